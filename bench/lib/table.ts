/** The result of a benchmark as data: tables of labelled rows whose numbers keep their unit and spread. */

import type { Summary } from "./stats.ts";

export type Unit = "ms" | "s" | "per-second" | "ratio" | "mb" | "count";

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
