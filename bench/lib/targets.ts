/**
 * The targets, checked against what was measured in the same run: each becomes a row that
 * says "met", or "missed" with how far off it is (the fraction of the target reached).
 */

import { formatQuantity } from "./format.ts";
import type { Quantity, Row, Table } from "./table.ts";

export interface Target {
  /** What is measured, e.g. "End-to-end sync on Postgres". */
  readonly label: string;
  /** The goal as words, e.g. "≥ 50,000 events/s". */
  readonly goal: string;
  readonly measured: Quantity;
  /** Met when `measured / reference` is at least 1 (`higher`) or at most 1 (`lower`). */
  readonly reference: number;
  readonly better: "higher" | "lower";
}

/** "met", or "missed (×0.06)": the measured value as a fraction of the target, whichever way is better. */
export const verdict = (target: Target): string => {
  const { value } = target.measured;
  const reached =
    target.better === "higher"
      ? value / target.reference
      : target.reference / Math.max(value, 1e-9);
  if (reached >= 1) return "met";
  const shown = reached >= 0.1 ? reached.toFixed(2) : reached.toPrecision(2);
  return `missed (×${shown})`;
};

export const isMet = (target: Target): boolean => verdict(target) === "met";

const targetRow = (target: Target): Row => ({
  key: target.label,
  cells: [target.label, target.goal, formatQuantity(target.measured), verdict(target)],
});

/** A table of targets; the measured column is text, since its units differ row by row. */
export const targetTable = (targets: readonly Target[], notes: readonly string[] = []): Table => ({
  columns: [
    { header: "Target", align: "left" },
    { header: "Goal", align: "left" },
    { header: "Measured", align: "right" },
    { header: "Verdict", align: "left" },
  ],
  rows: targets.map(targetRow),
  notes,
});
