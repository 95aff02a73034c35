/**
 * Sync test fixtures: a real KeyPears server on a free port (in-memory PGlite, or a fresh Postgres
 * database), and devices, each its own KEYPEARS_HOME, that create or join one account through it
 * over real HTTP.
 */

import { after, before } from "node:test";
import { type KdfParams, parseSecretKey } from "@keypears/crypto";
import {
  type RunningServer,
  type ServerOptions,
  type SizeLimits,
  startServer,
} from "@keypears/server";
import { createAccount, describeVaultError, type Vault, type VaultDeps } from "@keypears/vault";
import { cheapDeps, createTestHome, type TestHome } from "@keypears/vault/testing";
import { loginNewDevice } from "../node-onboarding.ts";
import { registerAccount } from "../onboarding.ts";
import { discoverServer, type ServerEndpoint } from "../server-client.ts";
import { describeSyncError } from "../sync-error.ts";
import { createSyncClient, type SyncClient, type SyncClientOptions } from "../sync-client.ts";

export const DOMAIN = "example.test";
/** The cheapest Argon2id the server accepts: tests are about sync, not key derivation. */
export const SYNC_TEST_KDF: KdfParams = {
  algorithm: "argon2id",
  memoryKiB: 1024,
  iterations: 1,
  parallelism: 1,
};
export const PASSWORD = "correct horse battery staple";

const generous = { capacity: 100_000, refillPerMinute: 100_000 };

export type TestDatabase =
  { readonly kind: "memory" } | { readonly kind: "postgres"; readonly url: string };

export const startSyncServer = async (
  database: TestDatabase = { kind: "memory" },
  logs: string[] = [],
  limits: Partial<SizeLimits> = {},
  quotas: ServerOptions["quotas"] = {},
): Promise<RunningServer> =>
  startServer({
    domain: DOMAIN,
    port: 0,
    database,
    log: (line) => logs.push(line),
    keepAliveMs: 200,
    shutdownGraceMs: 2000,
    rateLimits: { register: generous, login: generous, failedLogins: generous },
    limits,
    quotas,
  });

/**
 * One server for a test file's tests: started before them and closed after them, once the
 * cleanups the tests added have run (last first: devices and proxies before the server they use).
 */
export const serverForFile = (): {
  readonly server: RunningServer;
  readonly cleanups: (() => Promise<void> | void)[];
} => {
  let running: RunningServer | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    running = await startSyncServer();
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await running?.close();
  });
  return {
    get server() {
      if (running === undefined) throw new Error("the file's server starts before its tests");
      return running;
    },
    cleanups,
  };
};

export interface TestDevice {
  readonly name: string;
  readonly home: TestHome;
  readonly vault: Vault;
  readonly client: SyncClient;
  /** Syncs once and fails the test on any error. */
  readonly sync: () => Promise<void>;
}

const unwrapOrThrow = <T>(
  result: { ok: true; value: T } | { ok: false; error: unknown },
  describe: (e: never) => string,
): T => {
  if (result.ok) return result.value;
  throw new Error(describe(result.error as never));
};

export const endpointOf = async (server: RunningServer | string): Promise<ServerEndpoint> =>
  unwrapOrThrow(
    await discoverServer(DOMAIN, typeof server === "string" ? server : server.url),
    describeSyncError,
  );

const device = (
  name: string,
  home: TestHome,
  vault: Vault,
  endpoint: ServerEndpoint,
  options: SyncClientOptions,
): TestDevice => {
  const client = createSyncClient(vault, endpoint, options);
  return {
    name,
    home,
    vault,
    client,
    sync: async () => {
      unwrapOrThrow(await client.syncOnce(), describeSyncError);
    },
  };
};

export interface TestAccount {
  readonly address: string;
  readonly secretKey: string;
  readonly first: TestDevice;
  /** Signs another device in (a new KEYPEARS_HOME). */
  readonly join: (
    name: string,
    options?: SyncClientOptions,
    via?: string,
    deps?: VaultDeps,
  ) => Promise<TestDevice>;
}

let counter = 0;

/** Creates an account on a first device, registers it on the server, and offers to join more devices. */
export const createSyncedAccount = async (
  server: RunningServer | string,
  options: SyncClientOptions & { readonly name?: string; readonly deps?: VaultDeps } = {},
): Promise<TestAccount> => {
  const endpoint = await endpointOf(server);
  const address = `user${process.pid}-${++counter}@${DOMAIN}`;
  const home = createTestHome();
  const created = await createAccount({
    home: home.path,
    address,
    password: PASSWORD,
    serverUrl: endpoint.url,
    kdf: SYNC_TEST_KDF,
    deps: options.deps ?? cheapDeps(),
  });
  const account = unwrapOrThrow(created, describeVaultError);
  unwrapOrThrow(
    await registerAccount(account.vault, account.registration, endpoint, options.name ?? "first"),
    describeSyncError,
  );
  return {
    address,
    secretKey: account.secretKey,
    first: device(options.name ?? "first", home, account.vault, endpoint, options),
    join: async (name, joinOptions = options, via, joinDeps = cheapDeps()) => {
      const deviceEndpoint = via === undefined ? endpoint : await endpointOf(via);
      const joinHome = createTestHome();
      const secretKey = parseSecretKey(account.secretKey);
      if (!secretKey.ok) throw new Error("unparseable Secret Key");
      const vault = await loginNewDevice({
        home: joinHome.path,
        address,
        password: PASSWORD,
        secretKey: secretKey.value,
        server: deviceEndpoint,
        deviceName: name,
        deps: joinDeps,
      });
      return device(
        name,
        joinHome,
        unwrapOrThrow(vault, (e: { kind: string }) =>
          e.kind === "wrong-credentials" ? e.kind : describeSyncError(e as never),
        ),
        deviceEndpoint,
        joinOptions,
      );
    },
  };
};

export const closeDevices = (...devices: readonly TestDevice[]): void => {
  for (const d of devices) {
    try {
      d.vault.lock();
    } catch {
      // already locked
    }
    d.home.remove();
  }
};
