/**
 * One client cannot exhaust the server: a `keypears serve` process of its own, one account with
 * about 9 MiB of large events, and many pulls of it at once. Pages stay within the byte cap,
 * requests past the account's slots get 429 at once, /health keeps answering, and the server's
 * peak memory (VmHWM, Linux) grows by a bounded amount.
 */

import { createKeypearsClient } from "@keypears/api";
import { boundedIt } from "@keypears/base/testing";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe } from "node:test";
import { isRunning, spawnServe, type SpawnedServer } from "./testing/spawn-server.ts";
import {
  b64Random,
  b64Signed,
  newDeviceId,
  newEventId,
  newVaultId,
  TEST_KDF,
} from "./testing/test-server.ts";

const it = boundedIt(240_000);
const KiB = 1024;
const MiB = 1024 * KiB;

/** Peak resident memory of a process so far, in bytes. */
const peakRss = (pid: number): number => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  assert.ok(match?.[1] !== undefined, "VmHWM is readable");
  return Number(match[1]) * KiB;
};

/** A GET on its own connection (no pooling): every request reaches the server at once. */
const get = (url: string, token?: string) =>
  new Promise<{ status: number; bytes: number; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const req = request(
      url,
      { agent: false, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, bytes, ms: Date.now() - started }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });

describe("one client against a server process", () => {
  let server: SpawnedServer | undefined;
  let dir = "";
  after(async () => {
    await server?.stop();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("keeps pages within the byte cap, memory bounded and /health answering under many pulls", async () => {
    dir = await mkdtemp(join(tmpdir(), "kp-one-client-"));
    const started = await spawnServe(
      ["--domain", "example.test", "--port", "0", "--data-dir", dir, "--quota-requests", "2"],
      {},
      120_000,
    );
    assert.ok(isRunning(started), "the server started");
    server = started;
    const pid = started.child.pid ?? 0;
    const vaultId = newVaultId();
    const deviceId = newDeviceId();
    const session = await createKeypearsClient(started.apiUrl).accounts.register({
      address: "heavy@example.test",
      authSecret: b64Random(32),
      kdf: TEST_KDF,
      salt: b64Random(16),
      device: { id: deviceId, name: "laptop" },
      vault: { vaultId, wrappedVaultKey: b64Random(72) },
    });
    const client = createKeypearsClient(started.apiUrl, { token: session.token });
    // 160 events of 60 KiB: about 9.4 MiB of payloads, more than two pages' cap (4 MiB).
    for (let i = 0; i < 4; i++) {
      await client.vaults.push({
        vaultId,
        events: Array.from({ length: 40 }, () => ({
          id: newEventId(),
          payload: b64Signed(deviceId, 60 * KiB),
        })),
      });
    }
    const baseline = peakRss(pid);
    const pullUrl = `${started.apiUrl}/vaults/${vaultId}/events?limit=5000`;
    const pulls = Array.from({ length: 12 }, () => get(pullUrl, session.token));
    const health = await get(`${started.apiUrl}/health`);
    const results = await Promise.all(pulls);
    const grown = peakRss(pid) - baseline;

    assert.equal(health.status, 200);
    // Before the event loop was yielded between statements, /health waited for every pull.
    assert.ok(health.ms < 20_000, `/health took ${health.ms} ms`);
    const statuses = results.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 429),
      String(statuses),
    );
    assert.ok(statuses.includes(200), "some pulls are served");
    assert.ok(statuses.includes(429), "pulls past the account's two slots are refused at once");
    // A page holds at most 4 MiB of payloads: about 5.4 MiB of JSON with base64url.
    const largest = Math.max(...results.map((r) => r.bytes));
    assert.ok(largest < 6 * MiB, `largest response ${largest} bytes`);
    assert.ok(grown < 300 * MiB, `peak memory grew by ${(grown / MiB).toFixed(0)} MiB`);
  });
});
