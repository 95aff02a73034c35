/** The merge benchmark's table: time, rate, ratio to KeyPears core and memory for each system, with notes on method. */

import type { BenchReport } from "../lib/benchmark.ts";
import { formatDuration, formatQuantity } from "../lib/format.ts";
import { bytesToMb } from "../lib/memory.ts";
import { packageVersion } from "../lib/package-version.ts";
import type { Summary } from "../lib/stats.ts";
import { type Cell, medianOf, quantity, type Row, type Table } from "../lib/table.ts";
import type { MergeContender } from "./contender.ts";
import { BASELINE_KEY } from "./contenders.ts";
import type { MergeReply } from "./worker-protocol.ts";
import { FIELD_NAMES, MERGE_SEED, type MergeWorkload } from "./workload.ts";

/** A source's update stream, written to a file for the workers. */
export interface MergeStream {
  readonly file: string;
  readonly bytes: number;
  readonly updates: number;
}

export interface MergeMeasurement {
  readonly contender: MergeContender;
  /** The warm-up run, which also measured memory. */
  readonly first: MergeReply;
  readonly stream: MergeStream;
  /** The measured runs; undefined when the first run was stopped at its time limit. */
  readonly time: Summary | undefined;
}

const count = (n: number): string => n.toLocaleString("en-US");

export const mergeReport = (
  workload: MergeWorkload,
  measured: readonly MergeMeasurement[],
  firstRunLimitMs: number,
): BenchReport => {
  const { sets, items } = workload.size;
  const baseline = measured.find((m) => m.contender.key === BASELINE_KEY)?.time;
  if (baseline === undefined) throw new Error(`the baseline ${BASELINE_KEY} did not finish`);
  const table: Table = {
    columns: [
      { header: "System", align: "left" },
      { header: "Time, ms (median, min–max)", align: "right" },
      { header: "Rate, sets/s", align: "right" },
      { header: "Time vs KeyPears core", align: "right" },
      { header: "Retained heap + external, MB", align: "right" },
      { header: "RSS growth, MB", align: "right" },
      { header: "Update, bytes (mean)", align: "right" },
      { header: "Runs", align: "right" },
    ],
    rows: measured.map((m) =>
      m.time === undefined ? stoppedRow(m, baseline) : row(m, m.time, baseline),
    ),
    notes: [
      ...measured.map((m) => m.contender.includes),
      "Each system runs in its own Node process. A run applies every update to a fresh replica, after a forced garbage collection; it is checked afterwards (sampled fields must hold the last value set), untimed. Runs of the systems are interleaved, round by round.",
      "The first run of each system is the warm-up (not counted) and the memory measurement: what stays allocated after garbage collection once the stream is applied. WASM memory (Loro, Automerge) is not V8 heap: it counts in external when the WASM memory grows (its reserved size, not bytes in use) and in RSS as its pages are touched. RSS growth also counts heap pages V8 keeps after collecting garbage, so it runs high for engines that make much garbage.",
      ...measured
        .filter((m) => m.time === undefined)
        .map(
          ({ contender, first }) =>
            `${contender.label}: stopped at the ${formatDuration(firstRunLimitMs)} limit of a first run, after applying ${count(first.applied)} of ${count(sets)} updates; its rate is over those, and its time and ratio are lower bounds. It is not run again.`,
        ),
    ],
  };
  return {
    title: `Merge: ${count(sets)} field sets over ${count(items)} items`,
    description: [
      `${count(sets)} last-writer-wins field sets over ${count(items)} items (fields ${FIELD_NAMES.join(", ")}; values of 16–24 characters; seed 0x${MERGE_SEED.toString(16)}), applied one update at a time, in order, to a fresh replica.`,
      "Each system's update stream is produced beforehand on a source replica, one update per set as a device would send it (untimed).",
      `Versions: yjs ${packageVersion("yjs")}, loro-crdt ${packageVersion("loro-crdt")}, @automerge/automerge ${packageVersion("@automerge/automerge")}.`,
    ].join(" "),
    tables: [table],
  };
};

const meanUpdate = (stream: MergeStream): Cell => quantity(stream.bytes / stream.updates, "count");

const row = (
  { contender, first, stream }: MergeMeasurement,
  time: Summary,
  baseline: Summary,
): Row => ({
  key: contender.key,
  cells: [
    contender.label,
    medianOf(time, "ms"),
    quantity(stream.updates / (time.median / 1000), "per-second"),
    quantity(time.median / baseline.median, "ratio"),
    quantity(bytesToMb(first.memory?.heapAndExternalBytes ?? Number.NaN), "mb"),
    quantity(bytesToMb(first.memory?.rssBytes ?? Number.NaN), "mb"),
    meanUpdate(stream),
    quantity(time.n, "count"),
  ],
});

/** A system stopped at the first run's limit: lower bounds, and no memory figure for a partial stream. */
const stoppedRow = ({ contender, first, stream }: MergeMeasurement, baseline: Summary): Row => ({
  key: contender.key,
  cells: [
    `${contender.label} (stopped)`,
    `> ${formatQuantity(quantity(first.ms, "ms"))}`,
    quantity(first.applied / (first.ms / 1000), "per-second"),
    `> ${formatQuantity(quantity(first.ms / baseline.median, "ratio"))}`,
    "—",
    "—",
    meanUpdate(stream),
    "0",
  ],
});
