/** The result of a benchmark as data: tables of labelled rows whose numbers keep their unit and spread. */

import { type Summary, summarize } from "./stats.ts";

export type Unit = "us" | "ms" | "s" | "per-second" | "ratio" | "mb" | "count";

export interface Quantity {
  readonly value: number;
  readonly unit: Unit;
  /** Low and high ends of the spread (min–max of the runs), when the value is a median. */
  readonly spread?: readonly [number, number];
}

export type Cell = string | Quantity;

export interface Column {
  readonly header: string;
  readonly align: "left" | "right";
}

export interface Row {
  /** A stable identifier of the row (the contender), for tests and lookups. */
  readonly key: string;
  readonly cells: readonly Cell[];
}

export interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** What each row includes and how it was measured, printed under the table. */
  readonly notes: readonly string[];
}

export const quantity = (value: number, unit: Unit): Quantity => ({ value, unit });

/** The median of a summary with its min–max spread. */
export const medianOf = (summary: Summary, unit: Unit): Quantity => ({
  value: summary.median,
  unit,
  spread: [summary.min, summary.max],
});

export const isQuantity = (cell: Cell): cell is Quantity => typeof cell !== "string";

/**
 * A row of a table of timed steps: the step's label, its median time (with min–max), its median
 * against a baseline step's median, and its number of runs. `samples` maps step keys to their
 * times in ms; a missing step reads as no runs.
 */
export const timedStepRow = (
  samples: ReadonlyMap<string, readonly number[]>,
  baseline: Summary,
  key: string,
  label: string,
): Row => {
  const time = summarize(samples.get(key) ?? []);
  return {
    key,
    cells: [
      label,
      medianOf(time, "ms"),
      quantity(time.median / baseline.median, "ratio"),
      quantity(time.n, "count"),
    ],
  };
};
