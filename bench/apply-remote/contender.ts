/** A system in the apply benchmark: what it prepares in its worker, and one run on a fresh replica. */

import type { MergeSize } from "../merge/workload.ts";
import type { BenchAccount } from "../fixtures/bench-account.ts";

/** What the parent hands every worker (as a JSON file): the workload, its encodings, and where to write. */
export interface ApplyInput {
  readonly size: MergeSize;
  /** The vault history's events as a server orders them (`ordered-events.ts`). */
  readonly orderedEventsFile: string;
  readonly account: BenchAccount;
  /** The vault item id of each workload item. */
  readonly itemIds: readonly string[];
  /** Each CRDT source's update stream (`frames.ts`), by source key. */
  readonly streams: Readonly<Record<string, string>>;
  /** Where runs may create files (receiving devices, SQLite databases). */
  readonly scratchDir: string;
}

export interface ApplyRun {
  /** Applies the workload: the timed part. */
  readonly apply: () => void;
  /** Untimed, after `apply`: throws unless the replica holds the workload's final values. */
  readonly check: () => void;
  readonly dispose: () => void;
}

export interface ApplyContender {
  readonly key: string;
  readonly label: string;
  /** What the row includes, for the notes under the table. */
  readonly includes: string;
  readonly group: "keypears" | "crdt" | "limit";
  /**
   * Untimed setup in the worker; returns a maker of fresh runs. `share` below 1 asks for a run
   * over that share of the workload (warm-up, profile), if the system can stop early; only a
   * whole run is checked.
   */
  readonly prepare: (
    input: ApplyInput,
  ) => (options: { readonly share: number }) => Promise<ApplyRun>;
  /** Measured runs stop once they took this long in all (never fewer than `minRuns`). */
  readonly budgetMs: number;
  readonly minRuns: number;
}
