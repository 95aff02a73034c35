/**
 * The merge benchmark: the same stream of last-writer-wins field sets applied, one update at a
 * time, to a fresh replica of KeyPears core and of Yjs, Loro and Automerge, side by side.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Benchmark, BenchContext } from "../lib/benchmark.ts";
import { formatDuration } from "../lib/format.ts";
import { writeFrames } from "../lib/frames.ts";
import { runRounds } from "../lib/rounds.ts";
import { summarize } from "../lib/stats.ts";
import { startWorker, type WorkerHandle } from "../lib/worker-process.ts";
import type { MergeContender, MergeSource } from "./contender.ts";
import { mergeContenders } from "./contenders.ts";
import { type MergeMeasurement, mergeReport, type MergeStream } from "./merge-report.ts";
import type { MergeReply, MergeRequest } from "./worker-protocol.ts";
import { createMergeWorkload, FULL_SIZE, type MergeWorkload, SMOKE_SIZE } from "./workload.ts";

/**
 * The time limit of a contender's first run. One that has not applied the whole stream by then is
 * stopped and shown as not finished (with how far it got), and not run again, so one slow system
 * cannot hold the suite for many minutes.
 */
export const FIRST_RUN_LIMIT_MS = 60_000;

const workerScript = new URL("./worker.ts", import.meta.url);

export const mergeBenchmark: Benchmark = {
  name: "merge",
  summary:
    "the core merge vs Yjs, Loro and Automerge: last-writer-wins field sets applied one at a time",
  run: async (context) => {
    const workload = createMergeWorkload(context.smoke ? SMOKE_SIZE : FULL_SIZE);
    const dir = mkdtempSync(join(tmpdir(), "keypears-bench-merge-"));
    try {
      const streams = encodeStreams(workload, dir, context);
      return mergeReport(workload, await measure(workload, streams, context), FIRST_RUN_LIMIT_MS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** Produces each source's update stream once (shared by the rows that use it) and writes it to a file. */
const encodeStreams = (
  workload: MergeWorkload,
  dir: string,
  { log }: BenchContext,
): ReadonlyMap<MergeSource, MergeStream> => {
  const streamBySource = new Map<MergeSource, MergeStream>();
  for (const { source } of mergeContenders) {
    if (streamBySource.has(source)) continue;
    const start = performance.now();
    const updates = source.encode(workload);
    if (updates.length !== workload.sets.length) {
      throw new Error(
        `${source.key} produced ${updates.length} updates for ${workload.sets.length} sets`,
      );
    }
    const file = join(dir, `${source.key}.frames`);
    const bytes = updates.reduce((sum, update) => sum + update.length, 0);
    writeFrames(file, updates);
    streamBySource.set(source, { file, bytes, updates: updates.length });
    log(`  prepared the ${source.key} stream in ${formatDuration(performance.now() - start)}`);
  }
  return streamBySource;
};

const measure = async (
  workload: MergeWorkload,
  streams: ReadonlyMap<MergeSource, MergeStream>,
  { runs, log }: BenchContext,
): Promise<readonly MergeMeasurement[]> => {
  const streamOf = (contender: MergeContender): MergeStream => {
    const stream = streams.get(contender.source);
    if (stream === undefined) throw new Error(`no stream for ${contender.key}`);
    return stream;
  };
  const workers = new Map<MergeContender, WorkerHandle<MergeRequest, MergeReply>>(
    mergeContenders.map((contender) => [
      contender,
      startWorker<MergeRequest, MergeReply>(contender.key, workerScript, [
        contender.key,
        streamOf(contender).file,
        String(workload.size.sets),
        String(workload.size.items),
      ]),
    ]),
  );
  const workerOf = (contender: MergeContender): WorkerHandle<MergeRequest, MergeReply> =>
    workers.get(contender) as WorkerHandle<MergeRequest, MergeReply>;
  try {
    await Promise.all([...workers.values()].map((worker) => worker.ready));
    // One at a time, so no run shares the machine with another contender's work.
    const firstByContender = new Map<MergeContender, MergeReply>();
    for (const contender of mergeContenders) {
      const first = await workerOf(contender).request({
        kind: "first",
        limitMs: FIRST_RUN_LIMIT_MS,
      });
      firstByContender.set(contender, first);
      log(
        `  warm-up and memory ${contender.key}: ${first.ms.toFixed(0)} ms, ${first.applied} of ${workload.sets.length} updates`,
      );
    }
    const repeated = mergeContenders.filter(
      (contender) => firstByContender.get(contender)?.applied === workload.sets.length,
    );
    const samplesByKey = await runRounds(
      repeated.map((contender) => ({
        key: contender.key,
        runOnce: async () => (await workerOf(contender).request({ kind: "run" })).ms,
      })),
      { warmups: 0, runs, log },
    );
    return mergeContenders.map((contender): MergeMeasurement => {
      const first = firstByContender.get(contender) as MergeReply;
      const samples = samplesByKey.get(contender.key);
      return {
        contender,
        first,
        stream: streamOf(contender),
        time: samples === undefined ? undefined : summarize(samples),
      };
    });
  } finally {
    await Promise.all([...workers.values()].map((worker) => worker.stop()));
  }
};
