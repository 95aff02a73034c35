/**
 * Realtime latency: an edit on device A until device B has it applied, over a real server on
 * loopback (Postgres), B following the head stream in a process of its own. p50 and p99 of 1,000
 * edits, with A pushing as soon as it commits; and 100 edits with A running the live watcher and
 * the edits made through a second connection to its vault file, as `keypears edit` beside
 * `keypears sync --watch` makes them.
 */

import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFreshPostgresDatabase } from "@keypears/server/testing";
import type { ItemId } from "@keypears/sync-core";
import {
  createSyncClient,
  describeSyncError,
  discoverServer,
  loginNewDevice,
  registerAccount,
  type ServerEndpoint,
  type SyncClient,
} from "@keypears/sync-client";
import { describeVaultError, unlockVault, type Vault } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import {
  benchAddress,
  createBenchAccount,
  registrationOf,
  secretKeyOf,
} from "../fixtures/bench-account.ts";
import type { Benchmark, BenchReport } from "../lib/benchmark.ts";
import { createPrng } from "../lib/prng.ts";
import { BENCH_DOMAIN, startServerProcess } from "../lib/server-process.ts";
import { percentiles, type Percentiles } from "../lib/stats.ts";
import { type CpuBetween, cpuBetween, cpuSnapshot } from "../lib/system-cpu.ts";
import { quantity, type Table } from "../lib/table.ts";
import type { Target } from "../lib/targets.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import type { DeviceBMessage, DeviceBOptions } from "./protocol.ts";

interface RealtimeSize {
  readonly items: number;
  readonly warmups: number;
  readonly edits: number;
  /** Edits made through a second connection while A runs the live watcher. */
  readonly watchedEdits: number;
}

const FULL: RealtimeSize = { items: 100, warmups: 50, edits: 1_000, watchedEdits: 100 };
const SMOKE: RealtimeSize = { items: 10, warmups: 5, edits: 20, watchedEdits: 2 };
/**
 * An edit B has not applied after this long fails the benchmark: a hang detector, not a
 * measurement, so generous (a loaded 2-core machine can stall a process for seconds).
 */
const TIMEOUT_MS = 60_000;
const deviceB = fileURLToPath(new URL("./device-b.ts", import.meta.url));
const now = (): number => performance.timeOrigin + performance.now();

export const realtimeBenchmark: Benchmark = {
  name: "realtime",
  summary: "an edit on device A until device B has applied it, over a server on loopback",
  run: async ({ smoke, log }) => {
    const size = smoke ? SMOKE : FULL;
    const database = await createFreshPostgresDatabase();
    try {
      return await withTempDir("realtime", async (dir) => {
        const server = await startServerProcess({ kind: "postgres", url: database.url });
        try {
          return await measure(size, dir, server.url, log);
        } finally {
          await server.stop();
        }
      });
    } finally {
      await database.drop();
    }
  },
};

const measure = async (
  size: RealtimeSize,
  dir: string,
  serverUrl: string,
  log: (line: string) => void,
): Promise<BenchReport> => {
  const discovered = await discoverServer(BENCH_DOMAIN, serverUrl);
  if (!discovered.ok) throw new Error(describeSyncError(discovered.error));
  const endpoint = discovered.value;
  const { a, itemIds, address, password, secretKey } = await deviceA(size, dir, endpoint);
  let pushSentAt = 0;
  const clientA = createSyncClient(a, endpoint, {
    snapshotEvery: Number.MAX_SAFE_INTEGER,
    fetch: (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (request.method === "POST" && /\/events(\/frames)?$/.test(request.url)) pushSentAt = now();
      return fetch(request);
    },
  });
  await syncOrThrow(clientA);

  const homeB = join(dir, "b");
  const b = await loginNewDevice({
    home: homeB,
    address,
    password,
    secretKey,
    server: endpoint,
    deviceName: "B",
    deps: cheapDeps(),
  });
  if (!b.ok) throw new Error(`B could not sign in: ${b.error.kind}`);
  b.value.lock();
  const follower = followDeviceB({ home: homeB, address, password, serverUrl });
  try {
    await follower.waitFor(a.sync.verified().position);
    const prng = createPrng(0x6b70_0005);
    const edit = (i: number, through: Vault = a): void => {
      const changed = through.edit(itemIds[prng.below(itemIds.length)] as ItemId, {
        password: `${prng.text(20, "abcdefghijklmnopqrstuvwxyz0123456789")}-${i}`,
      });
      if (!changed.ok) throw new Error(describeVaultError(changed.error));
    };

    const pushed: number[] = [];
    const parts: LatencyParts[] = [];
    const machineBefore = cpuSnapshot();
    const loopStarted = performance.now();
    for (let i = 0; i < size.warmups + size.edits; i++) {
      const started = now();
      edit(i);
      const committed = now();
      const report = await syncOrThrow(clientA);
      const b = await follower.waitFor(report.verified.position);
      if (i < size.warmups) continue;
      pushed.push(b.at - started);
      parts.push({
        commit: committed - started,
        beforePush: pushSentAt - committed,
        toB: b.startedAt - pushSentAt,
        bSync: b.at - b.startedAt,
      });
    }
    const machine = cpuBetween(
      machineBefore,
      cpuSnapshot(),
      performance.now() - loopStarted,
      availableParallelism(),
    );
    log(`  ${size.edits} edits pushed on commit: p50 ${percentiles(pushed).p50.toFixed(1)} ms`);

    const watched: number[] = [];
    // A second connection to A's vault file, as \`keypears edit\` in another terminal is.
    const editor = await unlockVault({
      home: join(dir, "a"),
      address,
      password,
      deps: cheapDeps(),
    });
    if (!editor.ok) throw new Error(describeVaultError(editor.error));
    const stop = new AbortController();
    const watching = clientA.watch({ signal: stop.signal });
    try {
      for (let i = 0; i < size.watchedEdits; i++) {
        // A random pause, so edits fall anywhere in the watcher's outbox-check period.
        await new Promise((resolve) => setTimeout(resolve, prng.below(200)));
        const target = a.sync.verified().position + 1;
        const started = now();
        edit(size.warmups + size.edits + i, editor.value);
        watched.push((await follower.waitFor(target)).at - started);
      }
    } finally {
      stop.abort();
      await watching;
      editor.value.lock();
    }
    log(
      `  ${size.watchedEdits} edits with A watching: p50 ${percentiles(watched).p50.toFixed(0)} ms`,
    );
    return realtimeReport(size, percentiles(pushed), percentiles(watched), parts, machine);
  } finally {
    await follower.stop();
    a.lock();
  }
};

const syncOrThrow = async (client: SyncClient) => {
  const report = await client.syncOnce();
  if (!report.ok) throw new Error(describeSyncError(report.error));
  return report.value;
};

/** Device A: a synced account with a few logins, registered on the server. */
const deviceA = async (size: RealtimeSize, dir: string, endpoint: ServerEndpoint) => {
  const { vault, account } = await createBenchAccount(
    join(dir, "a"),
    benchAddress("realtime"),
    endpoint.url,
  );
  const itemIds = vault.transact(() =>
    Array.from({ length: size.items }, (_, i) => {
      const added = vault.add({ fields: { title: `Login ${i}`, password: `initial-${i}` } });
      if (!added.ok) throw new Error(describeVaultError(added.error));
      return added.value.id;
    }),
  );
  const registered = await registerAccount(vault, registrationOf(account), endpoint, "A");
  if (!registered.ok) throw new Error(describeSyncError(registered.error));
  return {
    a: vault as Vault,
    itemIds,
    address: account.address,
    password: account.password,
    secretKey: secretKeyOf(account),
  };
};

/** Where one edit's latency went, in ms: the four parts add up to it. */
interface LatencyParts {
  /** `vault.edit` on A: the local commit. */
  readonly commit: number;
  /** From the commit until A sent the push (its sync's head check, the outbox marked sent). */
  readonly beforePush: number;
  /** From the push sent until B's sync sent its first request (the append, NOTIFY, the head over SSE). */
  readonly toB: number;
  /** B's sync: account check, pull, verify, apply, record. */
  readonly bSync: number;
}

/** Starts device B's process; `waitFor` resolves with when B reported `position` or more applied. */
const followDeviceB = (options: DeviceBOptions) => {
  const child = fork(deviceB, [JSON.stringify(options)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const synced: { position: number; at: number; startedAt: number }[] = [];
  let failure: Error | undefined;
  let wake: () => void = () => {};
  child.on("message", (message: DeviceBMessage) => {
    if (message.type === "synced") {
      synced.push({ position: message.position, at: message.at, startedAt: message.startedAt });
    }
    if (message.type === "error") failure = new Error(`device B: ${message.message}`);
    wake();
  });
  child.once("exit", (code) => {
    failure ??= new Error(`device B exited (${code})`);
    wake();
  });
  const waitFor = async (position: number): Promise<{ at: number; startedAt: number }> => {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const reached = synced.find((s) => s.position >= position);
      if (reached !== undefined) return reached;
      if (failure !== undefined) throw failure;
      if (Date.now() > deadline) throw new Error(`device B did not reach position ${position}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  };
  return {
    waitFor,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

const realtimeReport = (
  size: RealtimeSize,
  pushed: Percentiles,
  watched: Percentiles,
  parts: readonly LatencyParts[],
  machine: CpuBetween | undefined,
): BenchReport => {
  const partOf = (pick: (p: LatencyParts) => number) => percentiles(parts.map(pick));
  const partRow = (key: string, label: string, pick: (p: LatencyParts) => number) => {
    const p = partOf(pick);
    return { key, cells: [label, quantity(p.p50, "ms"), quantity(p.p99, "ms")] };
  };
  const breakdown: Table = {
    columns: [
      { header: "Part of an edit's latency (A pushing on commit)", align: "left" },
      { header: "p50, ms", align: "right" },
      { header: "p99, ms", align: "right" },
    ],
    rows: [
      partRow(
        "commit",
        "A commits the edit (`vault.edit`: seal, one SQLite transaction)",
        (p) => p.commit,
      ),
      partRow(
        "before-push",
        "A's sync until it sends the push (head check, outbox marked sent)",
        (p) => p.beforePush,
      ),
      partRow(
        "to-b",
        "The push sent until B starts its sync (append, NOTIFY, head over SSE)",
        (p) => p.toB,
      ),
      partRow("b-sync", "B's sync (account check, pull, verify, apply, record)", (p) => p.bSync),
    ],
    notes: [
      "Each edit's latency split at three instants: A's commit returning, A's push request leaving (the sync client's `fetch`), and B's sync sending its first request; B's sync ends when it reports. The parts' medians need not add up to the total's median.",
      ...(machine === undefined
        ? []
        : [
            `The machine was ${(machine.machineBusy * 100).toFixed(0)}% busy on its ${machine.cores} cores during the edits pushed on commit (Postgres alone ${machine.postgresCores.toFixed(2)} of a core): on a shared machine, other work there lengthens every part.`,
          ]),
    ],
  };
  const row = (key: string, label: string, p: Percentiles) => ({
    key,
    cells: [
      label,
      quantity(p.p50, "ms"),
      quantity(p.p99, "ms"),
      quantity(p.max, "ms"),
      quantity(p.n, "count"),
    ],
  });
  const table: Table = {
    columns: [
      { header: "Device A", align: "left" },
      { header: "p50, ms", align: "right" },
      { header: "p99, ms", align: "right" },
      { header: "Max, ms", align: "right" },
      { header: "Edits", align: "right" },
    ],
    rows: [
      row("push-on-commit", "pushes as soon as it commits (`vault.edit`, then `syncOnce`)", pushed),
      row(
        "watching",
        "runs the live watcher (`watch`, defaults); the edit made through another connection",
        watched,
      ),
    ],
    notes: [
      "From just before `vault.edit` on A until B's process reports the sync that applied it. B runs the sync client's live watcher (`watch`) in a process of its own: the server's head stream (SSE) wakes it, and it syncs (pull, verify, apply, write to disk; a live sync checks the account's parameters only when its stream (re)connects). Times are `performance.timeOrigin + performance.now()` in each process, one clock on one machine.",
      `Pushes as soon as it commits: A commits the edit and runs \`syncOnce\` at once (head check, push, its event confirmed from the answer; the account check on the client's first sync only); ${size.warmups} warm-up edits first, not counted; each edit waits for the previous to reach B. The server runs on Postgres, in a process of its own, on 127.0.0.1.`,
      `Runs the live watcher: A runs \`watch\` with its defaults, as \`keypears sync --watch\` does, and the edit is made beside it through a second connection to A's vault file (as \`keypears edit\` in another terminal would): the vault tells the watcher of another connection's commit when the file system reports a write to the vault file and SQLite's \`data_version\` confirms it (and of a commit made through its own vault object at once). ${size.watchedEdits} edits, a random pause of up to 200 ms before each.`,
    ],
  };
  const targets: Target[] = [
    {
      label: "Realtime p50, A pushing on commit",
      goal: "< 20 ms",
      measured: quantity(pushed.p50, "ms"),
      reference: 20,
      better: "lower",
    },
    {
      label: "Realtime p99, A pushing on commit",
      goal: "< 100 ms",
      measured: quantity(pushed.p99, "ms"),
      reference: 100,
      better: "lower",
    },
    {
      label: "Realtime p50, A running the live watcher",
      goal: "< 20 ms",
      measured: quantity(watched.p50, "ms"),
      reference: 20,
      better: "lower",
    },
  ];
  return {
    title: `Realtime: an edit on one device until another has it (${size.edits.toLocaleString("en-US")} edits)`,
    description:
      "Two devices of one account, a KeyPears server between them over HTTP on loopback (Postgres). Each edit changes one password on A; the latency is until B has verified and applied it.",
    tables: [table, breakdown],
    targets,
    diagnosis: realtimeDiagnosis(pushed, watched, {
      commit: partOf((p) => p.commit).p50,
      beforePush: partOf((p) => p.beforePush).p50,
      toB: partOf((p) => p.toB).p50,
      bSync: partOf((p) => p.bSync).p50,
    }),
  };
};

/** What the realtime latency is made of, and what would shorten it. */
const realtimeDiagnosis = (
  pushed: Percentiles,
  watched: Percentiles,
  parts: LatencyParts,
): string[] => {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return [
    `With A pushing on commit the median is ${ms(pushed.p50)}: A's commit ${ms(parts.commit)}, A's sync before the push ${ms(parts.beforePush)}, the server and the head stream ${ms(parts.toB)}, B's sync ${ms(parts.bSync)} (medians). A one-off sync checks the account's parameters first (a \`GET /account\` round trip, to catch a password changed elsewhere); B's live watcher does so only when its stream (re)connects or a sync failed. Marking the outbox sent and recording the sync time commit without a flush of their own.`,
    `With A running the live watcher and the edit made through another connection, as \`keypears sync --watch\` beside \`keypears edit\` is, the median is ${ms(watched.p50)}: on top of the path above, the file system's report of the write (inotify on Linux) and a live sync (no account check).`,
    "What would shorten it further, for the sync client's and the server's owners: send a small head's events in the stream itself, saving B's pull round trip; and let A skip pulling back its own event when the push's answer already extends the chain it verified (it knows the event and the server's hashes; a later pull still checks them).",
  ];
};
