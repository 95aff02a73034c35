/** Folders and tags with how many items use each, for `keypears folders` and `keypears tags`. */

import { fieldValue, type Item } from "@keypears/vault";
import type { CommandContext } from "./command.ts";

export interface ValueCount {
  readonly name: string;
  readonly items: number;
}

/** Counts the values of `field` (a text or a list) over `items`; case-insensitive, first spelling kept. */
export const countValues = (items: readonly Item[], field: string): ValueCount[] => {
  const byKey = new Map<string, { name: string; items: number }>();
  for (const item of items) {
    const value = fieldValue(item, field);
    const values = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
    const seen = new Set<string>();
    for (const entry of values) {
      if (typeof entry !== "string" || entry.trim() === "") continue;
      const key = entry.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const counted = byKey.get(key) ?? { name: entry, items: 0 };
      counted.items++;
      byKey.set(key, counted);
    }
  }
  return [...byKey.values()].sort(
    (a, b) => b.items - a.items || a.name.localeCompare(b.name, "en", { sensitivity: "base" }),
  );
};

export const printCounts = (
  ctx: CommandContext,
  counts: readonly ValueCount[],
  label: "folder" | "tag",
  empty: string,
): void => {
  if (ctx.json) {
    ctx.out.data(counts);
    return;
  }
  if (counts.length === 0) {
    ctx.out.note(empty);
    return;
  }
  ctx.out.table(
    [label.toUpperCase(), "ITEMS"],
    counts.map((c) => [c.name, String(c.items)]),
  );
};
