/**
 * The load generator of the server-load benchmark, a process of its own: registers accounts the
 * way a client does (random authentication secret, salt and wrapped key: opaque bytes to the
 * server), then keeps a fixed number of pushes in flight for a fixed time, over plain HTTP
 * (fetch), and reports every push's latency and, per vault, the last position acknowledged.
 */

import { bytesToBase64Url } from "@keypears/base";
import { createDeviceId, createIdFactory, createVaultId, systemDeps } from "@keypears/sync-core";
import { randomBytes } from "node:crypto";
import { BENCH_KDF } from "../fixtures/bench-account.ts";
import { BENCH_DOMAIN } from "../lib/server-process.ts";
import { serveRequests } from "../lib/worker-process.ts";
import type { LoadReply, LoadRequest, VaultSession } from "./protocol.ts";

const REGISTER_CONCURRENCY = 16;
const ids = createIdFactory(systemDeps);
const b64 = (length: number): string => bytesToBase64Url(new Uint8Array(randomBytes(length)));

const postJson = async (url: string, body: unknown, token?: string): Promise<unknown> => {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
};

const register = async (apiUrl: string, count: number): Promise<VaultSession[]> => {
  const sessions: VaultSession[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const vaultId = createVaultId(systemDeps.randomBytes);
      const deviceId = createDeviceId(systemDeps.randomBytes);
      const session = (await postJson(`${apiUrl}/accounts`, {
        address: `load-${process.pid}-${index}@${BENCH_DOMAIN}`,
        authSecret: b64(32),
        kdf: BENCH_KDF,
        salt: b64(16),
        device: { id: deviceId, name: "load" },
        vault: { vaultId, wrappedVaultKey: b64(72) },
      })) as { token: string };
      sessions[index] = { vaultId, token: session.token, deviceId };
    }
  };
  await Promise.all(Array.from({ length: REGISTER_CONCURRENCY }, worker));
  return sessions;
};

const push = async (request: Extract<LoadRequest, { kind: "push" }>): Promise<LoadReply> => {
  // The version-2 layout the server's signer filter checks (16.8), around random bytes: the
  // server never opens the box or checks the signature.
  const payloadByDevice = new Map<string, string>();
  const payloadFor = (deviceId: string): string => {
    let payload = payloadByDevice.get(deviceId);
    if (payload === undefined) {
      const bytes = new Uint8Array(randomBytes(Math.max(request.payloadBytes, 14 + 41 + 64)));
      bytes.set([2, 1, ...Buffer.from(deviceId, "hex"), 0, 0, 0, 0]);
      payload = bytesToBase64Url(bytes);
      payloadByDevice.set(deviceId, payload);
    }
    return payload;
  };
  const latencies: number[] = [];
  const ackedByVault: Record<string, number> = {};
  let pushes = 0;
  let events = 0;
  let errors = 0;
  let firstError: string | null = null;
  let cursor = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + request.durationMs;
  const device = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const vault = request.vaults[cursor++ % request.vaults.length] as VaultSession;
      const payload = payloadFor(vault.deviceId);
      const batch = Array.from({ length: request.batch }, () => ({ id: ids.eventId(), payload }));
      const sent = performance.now();
      try {
        const answer = (await postJson(
          `${request.apiUrl}/vaults/${vault.vaultId}/events`,
          { events: batch },
          vault.token,
        )) as { head: { position: number }; events: { position: number }[] };
        latencies.push(performance.now() - sent);
        pushes++;
        events += answer.events.length;
        const last = Math.max(...answer.events.map((e) => e.position));
        ackedByVault[vault.vaultId] = Math.max(ackedByVault[vault.vaultId] ?? 0, last);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, device));
  const used = process.cpuUsage(cpu);
  return {
    kind: "pushed",
    ms: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    pushes,
    events,
    errors,
    firstError,
    latencies,
    ackedByVault,
  };
};

serveRequests<LoadRequest, LoadReply>(async (request) =>
  request.kind === "register"
    ? { kind: "registered", vaults: await register(request.apiUrl, request.count) }
    : push(request),
);
