import assert from "node:assert/strict";
import { test } from "node:test";
import { renderTable } from "./markdown.ts";
import { quantity } from "./table.ts";

test("renderTable pads and aligns columns, formats quantities with their spread, and lists notes", () => {
  const text = renderTable({
    columns: [
      { header: "System", align: "left" },
      { header: "Time, ms", align: "right" },
      { header: "Ratio", align: "right" },
    ],
    rows: [
      {
        key: "a",
        cells: ["A | B", { value: 1234.4, unit: "ms", spread: [1200, 1300] }, quantity(1, "ratio")],
      },
      { key: "b", cells: ["C", quantity(0.5, "ms"), quantity(12.34, "ratio")] },
    ],
    notes: ["what the rows include"],
  });
  assert.equal(
    text,
    [
      "| System |            Time, ms | Ratio |",
      "| ------ | ------------------: | ----: |",
      "| A \\| B | 1,234 (1,200–1,300) | 1.00× |",
      "| C      |                0.50 | 12.3× |",
      "",
      "- what the rows include",
    ].join("\n"),
  );
});

test("renderTable refuses a row with the wrong number of cells", () => {
  assert.throws(
    () =>
      renderTable({
        columns: [{ header: "x", align: "left" }],
        rows: [{ key: "short", cells: [] }],
        notes: [],
      }),
    /short has 0 cells for 1 columns/,
  );
});
