/** What a benchmark is to the suite: a name to select it by, and a run that returns its tables. */

import type { LineChart } from "./chart.ts";
import type { Table } from "./table.ts";
import type { Target } from "./targets.ts";

export interface BenchContext {
  /** Tiny sizes that finish in seconds: for CI and for checking the harness, not for numbers. */
  readonly smoke: boolean;
  /** Measured runs per contender, after warm-up. */
  readonly runs: number;
  /** Progress for the person waiting (stderr); never part of the report. */
  readonly log: (line: string) => void;
}

export interface BenchReport {
  readonly title: string;
  /** The workload and the method, in a few sentences of Markdown. */
  readonly description: string;
  readonly tables: readonly Table[];
  /** The targets for this benchmark, checked against this run's numbers. */
  readonly targets?: readonly Target[];
  /**
   * Why a missed target is missed and what would close it: evidence from this run (profiles, CPU
   * times, counts) and from the code. Shown in the report's closing note when a target is missed.
   */
  readonly diagnosis?: readonly string[];
  /** Charts, written as SVG files beside the report (when it is written) and shown under the tables. */
  readonly charts?: readonly LineChart[];
}

/** A benchmark that stopped with an error: the suite goes on, and the report names it. */
export interface BenchFailure {
  readonly name: string;
  readonly summary: string;
  /** The error's message (its first line), as the report shows it. */
  readonly reason: string;
}

export interface Benchmark {
  /** Lowercase, kebab-case; what `--only` selects. */
  readonly name: string;
  readonly summary: string;
  readonly run: (context: BenchContext) => Promise<BenchReport>;
}
