/**
 * One end-to-end run over a real server (its own process, real HTTP on loopback): device A, a copy
 * of the vault history's first device with every event in its outbox, pushes them all; device B,
 * a new device, pulls, verifies and applies them; then, if asked, A writes a snapshot and device
 * C, another new device, starts from it. The end-to-end sync benchmark and the new-device
 * benchmark both read their numbers from these runs.
 */

import { join } from "node:path";
import { decodeSnapshotFrames } from "@keypears/api";
import type { ItemId } from "@keypears/sync-core";
import {
  createSyncClient,
  describeSnapshotNotice,
  describeSyncError,
  discoverServer,
  loginNewDevice,
  registerAccount,
  type ServerEndpoint,
  type SyncClient,
} from "@keypears/sync-client";
import { createFreshPostgresDatabase } from "@keypears/server/testing";
import { describeVaultError, unlockVault, type Vault } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import { registrationOf, secretKeyOf } from "../fixtures/bench-account.ts";
import { checkVault } from "../fixtures/check-vault.ts";
import type { VaultHistory } from "../fixtures/vault-history.ts";
import {
  BENCH_DOMAIN,
  freshEmbeddedDatabase,
  type ServerProcess,
  startServerProcess,
} from "../lib/server-process.ts";
import { cpuSnapshot } from "../lib/system-cpu.ts";
import { withTempDir } from "../lib/temp-dir.ts";

export type ScenarioDatabase = "pglite" | "postgres";

/** What one phase of a run cost: its wall time, and the CPU time of each process involved. */
export interface PhaseCost {
  readonly wallMs: number;
  /** The benchmark's process, where the devices run. */
  readonly clientCpuMs: number;
  readonly serverCpuMs: number;
  /** Every `postgres` process (Linux only; PGlite runs inside the server). */
  readonly postgresCpuMs: number | undefined;
}

export interface ScenarioRun {
  readonly database: ScenarioDatabase;
  /**
   * A's sync: push every event (batches of 1,000), each batch confirmed from the server's answer
   * (no pull back while nothing else is in the log: docs/PROTOCOL.md 10.4).
   */
  readonly pushMs: number;
  /** Of `pushMs`, until the server acknowledged A's last batch; the rest confirms it (or pulls). */
  readonly pushOnlyMs: number;
  /** B's sync and list: pull, verify and apply every event, then list the vault. */
  readonly pullMs: number;
  /** Of `pullMs`, listing the vault once synced. */
  readonly listMs: number;
  readonly costs: { readonly a: PhaseCost; readonly b: PhaseCost };
  /** B's sign-in (pre-login, sign-in, the vault file), at the benchmark's 1 MiB Argon2id. */
  readonly loginMs: number;
  /** C from sign-in to a listed vault, starting from A's snapshot. */
  readonly snapshot?: {
    readonly ms: number;
    readonly loginMs: number;
    readonly listMs: number;
    readonly bytes: number;
  };
}

/** Times `work` and what each process spent on it. */
const withCost = async <T>(
  server: ServerProcess,
  work: () => Promise<T>,
): Promise<{ readonly result: T; readonly cost: PhaseCost }> => {
  const serverBefore = await server.usage();
  const machineBefore = cpuSnapshot();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const machineAfter = cpuSnapshot();
  const serverAfter = await server.usage();
  return {
    result,
    cost: {
      wallMs,
      clientCpuMs: (client.user + client.system) / 1000,
      serverCpuMs: serverAfter.cpuMs - serverBefore.cpuMs,
      postgresCpuMs:
        machineBefore === undefined || machineAfter === undefined
          ? undefined
          : machineAfter.postgresMs - machineBefore.postgresMs,
    },
  };
};

const syncOrThrow = async (client: SyncClient, who: string) => {
  const report = await client.syncOnce();
  if (!report.ok) throw new Error(`${who}: ${describeSyncError(report.error)}`);
  return report.value;
};

const startServer = async (database: ScenarioDatabase, dir: string) => {
  if (database === "pglite") {
    return {
      server: await startServerProcess(await freshEmbeddedDatabase(dir)),
      drop: async () => {},
    };
  }
  const fresh = await createFreshPostgresDatabase();
  try {
    return {
      server: await startServerProcess({ kind: "postgres", url: fresh.url }),
      drop: fresh.drop,
    };
  } catch (error) {
    await fresh.drop();
    throw error;
  }
};

const newDevice = async (
  history: VaultHistory,
  endpoint: ServerEndpoint,
  home: string,
  name: string,
) => {
  const started = performance.now();
  const vault = await loginNewDevice({
    home,
    address: history.account.address,
    password: history.account.password,
    secretKey: secretKeyOf(history.account),
    server: endpoint,
    deviceName: name,
    deps: cheapDeps(),
  });
  if (!vault.ok) throw new Error(`${name} could not sign in: ${vault.error.kind}`);
  return { vault: vault.value, loginMs: performance.now() - started };
};

export const runScenario = (
  history: VaultHistory,
  database: ScenarioDatabase,
  options: { readonly snapshot: boolean },
): Promise<ScenarioRun> =>
  withTempDir(`sync-${database}`, async (dir) => {
    const { server, drop } = await startServer(database, dir);
    const vaults: Vault[] = [];
    try {
      const discovered = await discoverServer(BENCH_DOMAIN, server.url);
      if (!discovered.ok) throw new Error(describeSyncError(discovered.error));
      const endpoint = discovered.value;
      const homeA = join(dir, "a");
      history.copyDevice(homeA);
      const unlocked = await unlockVault({
        home: homeA,
        address: history.account.address,
        password: history.account.password,
        deps: cheapDeps(),
      });
      if (!unlocked.ok) throw new Error(describeVaultError(unlocked.error));
      const a = unlocked.value;
      vaults.push(a);
      const registered = await registerAccount(a, registrationOf(history.account), endpoint, "A");
      if (!registered.ok) throw new Error(`registration: ${describeSyncError(registered.error)}`);
      const b = await newDevice(history, endpoint, join(dir, "b"), "B");
      vaults.push(b.vault);

      // A never writes a snapshot here, so B replays the whole log.
      let lastPushAt = 0;
      const clientA = createSyncClient(a, endpoint, {
        snapshotEvery: Number.MAX_SAFE_INTEGER,
        onProgress: (progress) => {
          if (progress.phase === "push") lastPushAt = performance.now();
        },
      });
      const clientB = createSyncClient(b.vault, endpoint, {
        snapshotEvery: Number.MAX_SAFE_INTEGER,
      });
      const pushStarted = performance.now();
      const { result: pushed, cost: costA } = await withCost(server, () =>
        syncOrThrow(clientA, "A"),
      );
      const pushOnlyMs = lastPushAt - pushStarted;
      let listMs = 0;
      const { result: pulled, cost: costB } = await withCost(server, async () => {
        const report = await syncOrThrow(clientB, "B");
        const listStarted = performance.now();
        b.vault.list();
        listMs = performance.now() - listStarted;
        return report;
      });
      const events = history.workload.sets.length;
      if (pushed.pushed !== events || pulled.pulled !== events) {
        throw new Error(
          `A pushed ${pushed.pushed} and B pulled ${pulled.pulled} of ${events} events`,
        );
      }
      checkVault(b.vault, history.workload, history.itemIds as readonly ItemId[]);

      const snapshot = options.snapshot
        ? await fromSnapshot(history, a, endpoint, join(dir, "c"), vaults)
        : undefined;
      return {
        database,
        pushMs: costA.wallMs,
        pushOnlyMs,
        pullMs: costB.wallMs,
        listMs,
        costs: { a: costA, b: costB },
        loginMs: b.loginMs,
        ...(snapshot === undefined ? {} : { snapshot }),
      };
    } finally {
      for (const vault of vaults) vault.lock();
      await server.stop();
      await drop();
    }
  });

/** A writes a snapshot of its (fully synced) vault; C signs in and starts from it. */
const fromSnapshot = async (
  history: VaultHistory,
  a: Vault,
  endpoint: ServerEndpoint,
  home: string,
  vaults: Vault[],
) => {
  let bytes = 0;
  const writer = createSyncClient(a, endpoint, {
    snapshotEvery: 1,
    // The sealed snapshot's size, read from the upload (binary frames, as the download).
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (
        request.method === "POST" &&
        new URL(request.url).pathname.endsWith("/snapshots/frames")
      ) {
        const frames = decodeSnapshotFrames(new Uint8Array(await request.clone().arrayBuffer()));
        if (frames.ok) bytes = frames.value.payload.length;
      }
      return fetch(request);
    },
  });
  const written = await syncOrThrow(writer, "A (snapshot)");
  if (written.snapshot !== undefined)
    throw new Error(`A (snapshot): ${describeSnapshotNotice(written.snapshot)}`);
  if (bytes === 0) throw new Error("A wrote no snapshot");
  const started = performance.now();
  const c = await newDevice(history, endpoint, home, "C");
  vaults.push(c.vault);
  const clientC = createSyncClient(c.vault, endpoint, { snapshotEvery: Number.MAX_SAFE_INTEGER });
  const synced = await syncOrThrow(clientC, "C");
  const listStarted = performance.now();
  c.vault.list();
  const listMs = performance.now() - listStarted;
  const ms = performance.now() - started;
  if (synced.snapshot !== undefined)
    throw new Error(`C: ${describeSnapshotNotice(synced.snapshot)}`);
  if (synced.pulled !== 0)
    throw new Error(`C pulled ${synced.pulled} events after the snapshot, expected none`);
  checkVault(c.vault, history.workload, history.itemIds as readonly ItemId[]);
  return { ms, loginMs: c.loginMs, listMs, bytes };
};
