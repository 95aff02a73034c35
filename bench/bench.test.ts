/** Keeps the benchmark suite working: runs it at smoke size and checks every table has its rows with sane numbers. */

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { benchmarks } from "./benchmarks.ts";
import { runSuite } from "./lib/suite.ts";
import { isQuantity } from "./lib/table.ts";
import { isMet, verdict } from "./lib/targets.ts";
import { applyContenders } from "./apply-remote/contenders.ts";
import { editContenders } from "./local-edit/contenders.ts";
import { mergeContenders } from "./merge/contenders.ts";
import { GROWTH_ROW_KEYS } from "./growth/growth-report.ts";

test(
  "the suite runs at smoke size, writes its report and fills every table with sane numbers",
  {
    timeout: 540_000,
  },
  async () => {
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

      assert.deepEqual(result.failures, []);
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
        assert.ok(
          rate !== undefined && isQuantity(rate) && rate.value > 0,
          `${row.key} has no rate`,
        );
        assert.ok(
          ratio !== undefined && isQuantity(ratio) && ratio.value > 0,
          `${row.key} has no ratio`,
        );
      }

      const byName = (prefix: string) => {
        const report = result.reports.find((r) => r.title.startsWith(prefix));
        assert.ok(report !== undefined, `no report titled ${prefix}…`);
        return report;
      };
      const rowKeys = (prefix: string, table = 0) =>
        byName(prefix).tables[table]?.rows.map((row) => row.key);
      assert.deepEqual(
        rowKeys("Applying remote events"),
        applyContenders.map((c) => c.key),
      );
      assert.deepEqual(
        rowKeys("Local edit"),
        editContenders.map((c) => c.key),
      );
      assert.deepEqual(rowKeys("End-to-end sync"), ["postgres", "pglite"]);
      assert.deepEqual(rowKeys("New device"), [
        "snapshot-postgres",
        "replay-postgres",
        "snapshot-pglite",
        "replay-pglite",
        "yjs",
        "loro",
        "automerge",
      ]);
      assert.deepEqual(rowKeys("Realtime"), ["push-on-commit", "watching"]);
      assert.deepEqual(rowKeys("Server under load"), ["alone", "subscribed"]);
      assert.deepEqual(rowKeys("Unlock"), ["argon2id", "unlock", "login"]);
      assert.deepEqual(rowKeys("Password health"), [
        "report",
        "cached",
        "new-session",
        "without-strength",
        "zxcvbn-alone",
      ]);
      assert.ok(rowKeys("Size")?.includes("envelope"));
      assert.deepEqual(rowKeys("Import"), [
        "parse",
        "apply",
        "total",
        "cpu",
        // The main thread's own CPU time is read from Linux's per-thread times.
        ...(process.platform === "linux" ? ["cpu-main"] : []),
        "rate",
        "sqlite-limit",
      ]);
      assert.deepEqual(rowKeys("CLI"), [
        "node",
        "version",
        "get",
        "list",
        "add",
        "edit",
        "agent-memory",
      ]);

      assert.deepEqual(rowKeys("How cost grows"), GROWTH_ROW_KEYS);
      const charts = byName("How cost grows").charts ?? [];
      assert.deepEqual(
        charts.map((chart) => chart.file),
        ["apply", "sync", "new-device", "list", "edit"].map((key) => `growth-${key}.svg`),
      );

      // Every benchmark of the issue states its targets, each with a verdict and, when missed, a reason.
      for (const prefix of [
        "Applying remote events",
        "End-to-end sync",
        "New device",
        "Realtime",
        "Server under load",
        "Size",
        "Import",
        "CLI",
      ]) {
        const report = byName(prefix);
        assert.ok((report.targets ?? []).length > 0, `${prefix} states no target`);
        for (const target of report.targets ?? []) {
          assert.ok(Number.isFinite(target.measured.value), `${target.label} was not measured`);
          assert.match(verdict(target), /^(met|missed \(×[\d.e+-]+\))$/);
        }
        if ((report.targets ?? []).some((t) => !isMet(t))) {
          assert.ok(
            (report.diagnosis ?? []).length > 0,
            `${prefix} misses a target and says not why`,
          );
        }
      }

      const written = readFileSync(out, "utf8");
      assert.equal(written, result.markdown);
      assert.match(written, /- \*\*Machine:\*\* .+, \d+ cores, .+ RAM/);
      assert.match(written, /- \*\*Node:\*\* v\d+/);
      assert.match(written, /\| System +\| Time, ms/);
      assert.match(written, /## Closing note: the targets/);
      // Each chart is written beside the report as SVG, and the report shows it.
      for (const chart of charts) {
        const svg = readFileSync(join(dir, chart.file), "utf8");
        assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        for (const series of chart.series) assert.ok(svg.includes(series.name), series.name);
        assert.ok(written.includes(`](${chart.file})`), `the report does not show ${chart.file}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
