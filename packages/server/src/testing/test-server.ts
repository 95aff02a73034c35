/**
 * Test fixtures: a server on a free port with an in-memory database and captured logs, and
 * accounts made the way a client makes them (random authentication secret, salt, device and
 * vault ids; the "wrapped key" is random bytes, as opaque to the server as the real one).
 */

import { bytesToBase64Url } from "@keypears/base";
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
