import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { graphemes, textWidth } from "./format.ts";
import { formatKeptTable, formatTable, type KeptRow, keptRow } from "./table.ts";

/** The table as it was laid out before the plain-cell fast path and kept rows: the reference. */
const referenceTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  bold: (text: string) => string,
): string[] => {
  const clip = (cell: string) => {
    const flat = cell.replace(/\s+/g, " ");
    if (flat.length <= 48) return flat;
    const chars = graphemes(flat);
    return chars.length > 48 ? `${chars.slice(0, 47).join("")}…` : flat;
  };
  const cells = rows.map((row) => row.map(clip));
  const cellWidths = cells.map((row) => row.map(textWidth));
  const widths = headers.map((header, i) => {
    let widest = textWidth(header);
    for (const row of cellWidths) widest = Math.max(widest, row[i] ?? 0);
    return widest;
  });
  const render = (row: readonly string[], rowWidths: readonly number[], paint = (t: string) => t) =>
    row
      .map((cell, i) =>
        i === row.length - 1
          ? paint(cell)
          : paint(cell + " ".repeat(Math.max(0, (widths[i] ?? 0) - (rowWidths[i] ?? 0)))),
      )
      .join("  ")
      .trimEnd();
  return [
    render(headers, headers.map(textWidth), bold),
    ...cells.map((row, r) => render(row, cellWidths[r] ?? [])),
  ];
};

// Cells that take every path: plain ASCII, runs of white space, tabs and newlines, wide and
// combined characters, long ones to clip, empty ones, trailing spaces.
const cell = fc.oneof(
  fc.stringMatching(/^[a-z0-9@. -]{0,12}$/),
  fc.constantFrom("", " ", "a  b", "tab\there", "line\nbreak", "日本語", "👍🏽 ok", "é", "x "),
  fc.string({ unit: "grapheme", maxLength: 60 }),
  fc.stringMatching(/^[a-z ]{40,70}$/),
);
const HEADERS = ["ID", "TITLE", "TYPE", "USERNAME"];
const row = fc.array(cell, { minLength: 4, maxLength: 4 });
const bold = (text: string) => `[${text}]`;

test("a table lays out as the reference did: padding, clipping, widths, trailing spaces", () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
      assert.deepEqual(formatTable(HEADERS, rows, { bold }), referenceTable(HEADERS, rows, bold));
    }),
    { numRuns: 500 },
  );
});

test("a kept table prints what formatTable prints, also when kept rows meet other widths", () => {
  fc.assert(
    fc.property(
      fc.array(row, { minLength: 1, maxLength: 10 }),
      fc.array(fc.tuple(fc.nat(), cell), { maxLength: 10 }),
      (rows, later) => {
        const kept = new Map<number, KeptRow>();
        const keptOf = (r: number) => {
          let rest = kept.get(r);
          if (rest === undefined) {
            rest = keptRow((rows[r] as string[]).slice(1));
            kept.set(r, rest);
          }
          return rest;
        };
        const print = (picked: readonly (readonly [number, string])[]) =>
          formatKeptTable(
            HEADERS,
            picked.map(([r, first]) => ({ first, rest: keptOf(r) })),
            { bold },
          );
        const expected = (picked: readonly (readonly [number, string])[]) =>
          formatTable(
            HEADERS,
            picked.map(([r, first]) => [first, ...(rows[r] as string[]).slice(1)]),
            { bold },
          );
        const first = rows.map((r, i) => [i, r[0] as string] as const);
        assert.deepEqual(print(first), expected(first));
        // A second printout of some of the same rows, with other first cells: the columns may
        // be narrower or wider, and each kept row's layout must follow.
        const second = later.map(([r, id]) => [r % rows.length, id] as const);
        assert.deepEqual(print(second), expected(second));
        assert.deepEqual(print(first), expected(first));
      },
    ),
    { numRuns: 500 },
  );
});
