/** Keeps the benchmark suite working: runs it at smoke size and checks every table has its rows with sane numbers. */

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { benchmarks } from "./benchmarks.ts";
import { runSuite } from "./lib/suite.ts";
import { isQuantity } from "./lib/table.ts";
import { mergeContenders } from "./merge/contenders.ts";

test("the suite runs at smoke size, writes its report and fills every table with sane numbers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keypears-bench-test-"));
  try {
    const out = join(dir, "BENCHMARKS.md");
    const result = await runSuite(benchmarks, {
      smoke: true,
      only: [],
      runs: 2,
      out,
      log: () => undefined,
    });

    assert.deepEqual(
      result.reports.map((r) => r.title.length > 0),
      benchmarks.map(() => true),
    );
    for (const report of result.reports) {
      assert.ok(report.tables.length > 0, `${report.title} has no table`);
      for (const table of report.tables) {
        assert.ok(table.rows.length > 0, `${report.title} has an empty table`);
        for (const row of table.rows) {
          assert.equal(row.cells.length, table.columns.length, `${row.key} has a missing cell`);
          for (const cell of row.cells.filter(isQuantity)) {
            assert.ok(
              Number.isFinite(cell.value) && cell.value >= 0,
              `${row.key}: ${cell.value} is not a sane ${cell.unit}`,
            );
          }
        }
      }
    }

    const merge = result.reports.find((r) => r.title.startsWith("Merge"));
    const mergeRows = merge?.tables[0]?.rows ?? [];
    assert.deepEqual(
      mergeRows.map((row) => row.key),
      mergeContenders.map((c) => c.key),
    );
    for (const row of mergeRows) {
      const [, time, rate, ratio] = row.cells;
      assert.ok(
        time !== undefined && isQuantity(time) && time.value > 0,
        `${row.key} took no time`,
      );
      assert.ok(rate !== undefined && isQuantity(rate) && rate.value > 0, `${row.key} has no rate`);
      assert.ok(
        ratio !== undefined && isQuantity(ratio) && ratio.value > 0,
        `${row.key} has no ratio`,
      );
    }

    const written = readFileSync(out, "utf8");
    assert.equal(written, result.markdown);
    assert.match(written, /- \*\*Machine:\*\* .+, \d+ cores, .+ RAM/);
    assert.match(written, /- \*\*Node:\*\* v\d+/);
    assert.match(written, /\| System +\| Time, ms/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
