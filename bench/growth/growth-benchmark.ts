/**
 * How cost grows with the vault: the apply, end-to-end, new-device, list/search and local-edit
 * rows at 1,000, 10,000 and 100,000 items (ten writes per item), each beside its peer and its
 * limit, as tables and as charts of the cost per event, per item or per operation.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Benchmark, BenchContext } from "../lib/benchmark.ts";
import { summarize } from "../lib/stats.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import { startWorker } from "../lib/worker-process.ts";
import type { ApplyInput } from "../apply-remote/contender.ts";
import type { ApplyReply, ApplyRequest } from "../apply-remote/worker-protocol.ts";
import { crdtStream } from "../fixtures/crdt-streams.ts";
import { vaultHistory } from "../fixtures/vault-history.ts";
import { yjs } from "../merge/yjs.ts";
import type { LoadReply } from "../new-device/crdt-loads.ts";
import { runScenario, type ScenarioRun } from "../sync/scenario.ts";
import { DEFAULT_APPLY_BATCH } from "@keypears/sync-client";
import { MAX_DEFERRED_ITEMS } from "@keypears/vault";
import { type FailedSize, growthReport } from "./growth-report.ts";
import { itemStatesWritten } from "./state-writes.ts";
import type { LocalReply, LocalRequest } from "./protocol.ts";
import { setIndexOfEvents } from "../fixtures/payload-kind.ts";

/**
 * The sizes measured. 100,000 items is a million events: its fixture takes about 14 minutes to
 * build on this machine and each of its rows runs once, so this benchmark is most of the suite's time.
 */
export const GROWTH_ITEMS: readonly number[] = [1_000, 10_000, 100_000];
/** Smoke runs check the harness at one tiny size; `growth-report.test.ts` checks the arithmetic across sizes. */
const SMOKE_ITEMS: readonly number[] = [20];
export const WRITES_PER_ITEM = 10;
/** The apply benchmark's rows measured at every size: the vault, its peer, its limit. */
export const GROWTH_APPLY_KEYS = ["keypears-vault", "yjs-each", "sqlite-limit"] as const;
export type GrowthApplyKey = (typeof GROWTH_APPLY_KEYS)[number];
/** Edits per local measurement, one commit each. */
const EDITS = 200;
/** Bytes per row of the local limit's table: about a sealed item view. */
const VIEW_BYTES = 200;

const applyWorker = new URL("../apply-remote/worker.ts", import.meta.url);
const loadWorker = new URL("../new-device/load-worker.ts", import.meta.url);
const localWorker = new URL("./local-worker.ts", import.meta.url);

/** Everything measured at one size; times are medians of the size's runs, in ms. */
export interface GrowthPoint {
  readonly items: number;
  readonly events: number;
  readonly runs: number;
  readonly apply: Readonly<Record<GrowthApplyKey, number>>;
  /**
   * Item states (sealed merge state and view) the vault's apply writes, in its batches of
   * `applyBatch` events, deferred up to `maxDeferred` items (`state-writes.ts`).
   */
  readonly stateWrites: number;
  /** ... and what each batch writing the items it touches (no deferral) would write. */
  readonly stateWritesPerBatch: number;
  readonly applyBatch: number;
  readonly maxDeferred: number;
  /** End to end on Postgres, and a new device from the snapshot (medians of the runs' parts). */
  readonly sync: {
    readonly pushMs: number;
    readonly pullMs: number;
    readonly snapshotMs: number;
  };
  readonly yjsLoadMs: number;
  readonly local: LocalReply;
}

export const growthBenchmark: Benchmark = {
  name: "growth",
  summary:
    "how cost grows: apply, sync, new device, list/search and edit at 1k, 10k and 100k items",
  run: async (context) => {
    const sizes = context.smoke ? SMOKE_ITEMS : GROWTH_ITEMS;
    const points: GrowthPoint[] = [];
    const failed: FailedSize[] = [];
    for (const items of sizes) {
      try {
        points.push(await measureSize(items, context));
      } catch (error) {
        // The largest size takes most of an hour: a failure there is reported with the sizes
        // measured, not allowed to throw the whole suite's run away. The smallest must work.
        if (context.smoke || items === sizes[0]) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        context.log(`  growth at ${items.toLocaleString("en-US")} items failed: ${reason}`);
        failed.push({ items, reason });
      }
    }
    return growthReport(points, { smoke: context.smoke, failed });
  },
};

const median = (values: readonly number[]): number => summarize(values).median;

const measureSize = async (items: number, { smoke, runs, log }: BenchContext) => {
  const history = await vaultHistory({ sets: items * WRITES_PER_ITEM, items }, log);
  const events = history.workload.sets.length;
  // A size of 100,000 items or more runs once: one apply of a million events takes minutes.
  const reps = smoke ? 1 : items >= 100_000 ? 1 : Math.min(runs, 3);
  log(`  growth at ${items.toLocaleString("en-US")} items: ${reps} run(s) of each row`);
  return withTempDir("growth", async (dir): Promise<GrowthPoint> => {
    const yjsFile = crdtStream(history.workload, yjs.source, log).file;
    const input: ApplyInput = {
      size: history.workload.size,
      orderedEventsFile: history.orderedEventsFile,
      account: history.account,
      itemIds: history.itemIds,
      streams: { [yjs.source.key]: yjsFile },
      scratchDir: dir,
    };
    const inputFile = join(dir, "input.json");
    writeFileSync(inputFile, JSON.stringify(input));

    const apply = {} as Record<GrowthApplyKey, number>;
    for (const key of GROWTH_APPLY_KEYS) {
      apply[key] = median(
        await inWorker<ApplyRequest, ApplyReply, number[]>(
          key,
          applyWorker,
          [key, inputFile],
          async (w) => {
            await w.request({ kind: "warmup" });
            const times: number[] = [];
            for (let r = 0; r < reps; r++) times.push((await w.request({ kind: "run" })).ms);
            return times;
          },
        ),
      );
      log(`    apply ${key}: ${apply[key].toFixed(0)} ms`);
    }

    const yjsLoadMs = median(
      await inWorker<{ readonly kind: "run" }, LoadReply, number[]>(
        "load-yjs",
        loadWorker,
        ["yjs", yjsFile, String(events), String(items)],
        async (w) => {
          await w.request({ kind: "run" });
          const times: number[] = [];
          for (let r = 0; r < reps; r++) times.push((await w.request({ kind: "run" })).ms);
          return times;
        },
      ),
    );

    const home = join(dir, "device");
    history.copyDevice(home);
    const accountFile = join(dir, "account.json");
    writeFileSync(accountFile, JSON.stringify(history.account));
    const localReplies = await inWorker<LocalRequest, LocalReply, LocalReply[]>(
      "local",
      localWorker,
      [home, accountFile, dir],
      async (w) => {
        const request = { edits: smoke ? 10 : EDITS, rowBytes: VIEW_BYTES };
        await w.request({ ...request, edits: Math.ceil(request.edits / 4) });
        const replies: LocalReply[] = [];
        for (let r = 0; r < reps; r++) replies.push(await w.request(request));
        return replies;
      },
    );
    const local = medianReply(localReplies);
    log(
      `    local: first list ${local.firstListMs.toFixed(0)} ms, search ${local.searchMs.toFixed(0)} ms, edit p50 ${local.editP50Ms.toFixed(2)} ms`,
    );

    const scenarioRuns: ScenarioRun[] = [];
    for (let r = 0; r < reps; r++) {
      const run = await runScenario(history, "postgres", { snapshot: true });
      scenarioRuns.push(run);
      log(
        `    sync: push ${run.pushMs.toFixed(0)} ms, pull ${run.pullMs.toFixed(0)} ms, from a snapshot ${run.snapshot?.ms.toFixed(0) ?? "—"} ms`,
      );
    }
    const snapshotOf = (run: ScenarioRun) => {
      if (run.snapshot === undefined) throw new Error("the scenario made no snapshot");
      return run.snapshot;
    };
    // The log: the device's enrolment, then one event per set, in order, each request's with the
    // batch event that signs them ahead (neither changes an item).
    const itemOf = setIndexOfEvents(history.envelopes.map((e) => e.payload)).map((set) =>
      set === undefined ? undefined : history.workload.sets[set]?.item,
    );
    return {
      items,
      events,
      runs: reps,
      apply,
      stateWrites: itemStatesWritten(itemOf, DEFAULT_APPLY_BATCH, MAX_DEFERRED_ITEMS),
      stateWritesPerBatch: itemStatesWritten(itemOf, DEFAULT_APPLY_BATCH, 0),
      applyBatch: DEFAULT_APPLY_BATCH,
      maxDeferred: MAX_DEFERRED_ITEMS,
      sync: {
        pushMs: median(scenarioRuns.map((r) => r.pushMs)),
        pullMs: median(scenarioRuns.map((r) => r.pullMs)),
        snapshotMs: median(scenarioRuns.map((r) => snapshotOf(r).ms)),
      },
      yjsLoadMs,
      local,
    };
  });
};

/** Starts a worker, hands it to `work`, and stops it whatever happens. */
const inWorker = async <Request, Reply, T>(
  name: string,
  script: URL,
  args: readonly string[],
  work: (worker: { readonly request: (r: Request) => Promise<Reply> }) => Promise<T>,
): Promise<T> => {
  const worker = startWorker<Request, Reply>(name, script, args);
  try {
    await worker.ready;
    return await work(worker);
  } finally {
    await worker.stop();
  }
};

/** Each field's median over the replies. */
const medianReply = (replies: readonly LocalReply[]): LocalReply => {
  const first = replies[0];
  if (first === undefined) throw new Error("no local measurement");
  const of = (pick: (r: LocalReply) => number) => median(replies.map(pick));
  return {
    items: first.items,
    unlockMs: of((r) => r.unlockMs),
    firstListMs: of((r) => r.firstListMs),
    listMs: of((r) => r.listMs),
    searchMs: of((r) => r.searchMs),
    editP50Ms: of((r) => r.editP50Ms),
    limitReadMs: of((r) => r.limitReadMs),
    limitInsertP50Ms: of((r) => r.limitInsertP50Ms),
  };
};
