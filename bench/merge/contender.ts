/** A system in the merge benchmark: how it produces its update stream, and how a fresh replica applies it. */

import type { MergeWorkload } from "./workload.ts";

/** A fresh receiving replica, ready to apply the whole stream. */
export interface MergeTarget {
  /** Applies update `index` of the stream; the worker calls it for each update in order, timed. */
  readonly applyAt: (index: number) => void;
  /** The current value of a field, for the correctness check (untimed). */
  readonly read: (itemKey: string, field: string) => string | undefined;
  /** Releases memory a garbage collector cannot see (WASM documents). */
  readonly dispose: () => void;
}

/** The sending side: one update per field set, each as a device would send it. */
export interface MergeSource {
  readonly key: string;
  /** Applies the workload to a source replica and captures each update's bytes (untimed). */
  readonly encode: (workload: MergeWorkload) => Uint8Array[];
}

export interface MergeContender {
  /** Stable identifier (row key, worker argument). */
  readonly key: string;
  /** The row label. */
  readonly label: string;
  /** What a run of this row includes, for the note under the table. */
  readonly includes: string;
  readonly source: MergeSource;
  /** Untimed receiving-side setup (e.g. pre-decoding); returns a factory of fresh targets. */
  readonly receiver: (stream: readonly Uint8Array[]) => () => MergeTarget;
}
