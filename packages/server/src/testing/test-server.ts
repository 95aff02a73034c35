/**
 * Test fixtures: a server on a free port with an in-memory database and captured logs, and
 * accounts made the way a client makes them (random authentication secret, salt, device and
 * vault ids; the "wrapped key" is random bytes, as opaque to the server as the real one).
 */

import { bytesToBase64Url, hexToBytes } from "@keypears/base";
import { createKeypearsClient, type KeypearsClient, type WireSession } from "@keypears/api";
import {
  createDeviceId,
  createIdFactory,
  createVaultId,
  type EventId,
  systemDeps,
  type VaultId,
} from "@keypears/sync-core";
import { randomBytes } from "node:crypto";
import { createPgEventStore } from "../events/pg-event-store.ts";
import { type RunningServer, type ServerOptions, startServer } from "../server.ts";

export interface TestServer {
  readonly server: RunningServer;
  /** Every log line the server wrote. */
  readonly logs: string[];
  readonly client: (token?: string) => KeypearsClient;
  readonly close: () => Promise<void>;
}

const generous = { capacity: 1000, refillPerMinute: 1000 };

/** In memory, on a free port, logs captured; rate limits generous unless a test sets them. */
export const startTestServer = async (
  options: Partial<ServerOptions> = {},
): Promise<TestServer> => {
  const logs: string[] = [];
  const server = await startServer({
    domain: "example.test",
    port: 0,
    database: { kind: "memory" },
    log: (line) => logs.push(line),
    keepAliveMs: 500,
    shutdownGraceMs: 2000,
    rateLimits: { register: generous, login: generous, failedLogins: generous },
    ...options,
  });
  return {
    server,
    logs,
    client: (token) => createKeypearsClient(server.apiUrl, token === undefined ? {} : { token }),
    close: server.close,
  };
};

export const b64Random = (length: number): string => bytesToBase64Url(randomBytes(length));

/** The smallest payload the signer filter accepts: header (14), the smallest box (41), signature. */
export const MIN_SIGNED_PAYLOAD = 14 + 41 + 64;

/**
 * A payload of `length` bytes the server's signer filter lets through for `deviceId`: the
 * version-2 layout (docs/PROTOCOL.md 16.2) around a random box and signature, which only devices
 * check. For tests of what the server stores, not of what devices accept.
 */
export const b64Signed = (deviceId: string, length = MIN_SIGNED_PAYLOAD): string => {
  if (length < MIN_SIGNED_PAYLOAD)
    throw new RangeError(`a signed payload is at least ${MIN_SIGNED_PAYLOAD} bytes`);
  const payload = new Uint8Array(randomBytes(length));
  payload.set([2, 1, ...hexToBytes(deviceId), 0, 0, 0, 0]);
  return bytesToBase64Url(payload);
};

/** A snapshot payload of `length` bytes the signer filter lets through for `deviceId`. */
export const b64SignedSnapshot = (deviceId: string, length = MIN_SIGNED_PAYLOAD): string => {
  if (length < MIN_SIGNED_PAYLOAD - 1) throw new RangeError("too short for a signed snapshot");
  const payload = new Uint8Array(randomBytes(length));
  payload.set([2, ...hexToBytes(deviceId), 0, 0, 0, 0]);
  return bytesToBase64Url(payload);
};

const ids = createIdFactory(systemDeps);
export const newEventId = (): EventId => ids.eventId();
export const newVaultId = (): VaultId => createVaultId(systemDeps.randomBytes);
export const newDeviceId = (): string => createDeviceId(systemDeps.randomBytes);

export const TEST_KDF = {
  algorithm: "argon2id",
  memoryKiB: 65536,
  iterations: 3,
  parallelism: 1,
} as const;

export interface TestAccount {
  readonly address: string;
  readonly authSecret: string;
  readonly deviceId: string;
  readonly vaultId: VaultId;
  readonly session: WireSession;
  /** A client signed in as this account's first device. */
  readonly client: KeypearsClient;
}

let counter = 0;

/** Registers a fresh account of the server's domain, signed in on one device. */
export const registerAccount = async (
  test: TestServer,
  name = `user${++counter}-${randomBytes(3).toString("hex")}`,
): Promise<TestAccount> => {
  const address = `${name}@${test.server.domain}`;
  const authSecret = b64Random(32);
  const deviceId = newDeviceId();
  const vaultId = newVaultId();
  const session = await test.client().accounts.register({
    address,
    authSecret,
    kdf: TEST_KDF,
    salt: b64Random(16),
    device: { id: deviceId, name: "test laptop" },
    vault: { vaultId, wrappedVaultKey: b64Random(72) },
  });
  return { address, authSecret, deviceId, vaultId, session, client: test.client(session.token) };
};

/** Signs the account in on another device; returns that device's client and session. */
export const signInDevice = async (test: TestServer, account: TestAccount, name = "phone") => {
  const deviceId = newDeviceId();
  const session = await test.client().accounts.login({
    address: account.address,
    authSecret: account.authSecret,
    device: { id: deviceId, name },
  });
  return { deviceId, session, client: test.client(session.token) };
};

/**
 * Appends envelopes to a vault's log straight through the server's event store, past the HTTP
 * routes and their signer filter: what a compromised server (or one without the filter) would
 * store, so tests can show that devices quarantine what the filter would have refused.
 */
export const injectEvents = async (
  server: RunningServer,
  vaultId: string,
  events: readonly { readonly id: string; readonly payload: Uint8Array }[],
): Promise<readonly { readonly id: string; readonly position: number }[]> => {
  const appended = await createPgEventStore(server.sql).append(
    vaultId as VaultId,
    events.map((event) => ({ id: event.id as EventId, payload: event.payload })),
  );
  if (!appended.ok) throw new Error(`event id ${appended.error.id} is already in the vault`);
  return appended.value.events.map((event) => ({ id: event.id, position: event.position }));
};
