import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Benchmark } from "./benchmark.ts";
import { runSuite } from "./suite.ts";

const measured = (name: string, title: string): Benchmark => ({
  name,
  summary: `${name} summary`,
  run: async () => ({
    title,
    description: `${title} description`,
    tables: [
      {
        columns: [{ header: "Row", align: "left" }],
        rows: [{ key: "row", cells: ["value"] }],
        notes: [],
      },
    ],
  }),
});

test("a benchmark that throws is named in the written report, and the ones after it still run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keypears-suite-test-"));
  try {
    const out = join(dir, "BENCHMARKS.md");
    const ran: string[] = [];
    const track = (benchmark: Benchmark): Benchmark => ({
      ...benchmark,
      run: async (context) => {
        ran.push(benchmark.name);
        return benchmark.run(context);
      },
    });
    const result = await runSuite(
      [
        track(measured("first", "First table")),
        track({
          name: "broken",
          summary: "a benchmark that stops",
          run: async () => {
            throw new Error("the server went away\n    at somewhere (file.ts:1:1)");
          },
        }),
        track(measured("last", "Last table")),
      ],
      { smoke: true, only: [], runs: 1, out, log: () => undefined },
    );

    assert.deepEqual(ran, ["first", "broken", "last"]);
    assert.deepEqual(
      result.reports.map((r) => r.title),
      ["First table", "Last table"],
    );
    assert.deepEqual(result.failures, [
      { name: "broken", summary: "a benchmark that stops", reason: "the server went away" },
    ]);
    const written = readFileSync(out, "utf8");
    assert.equal(written, result.markdown);
    assert.match(written, /## First table/);
    assert.match(written, /## Last table/);
    assert.match(written, /- \*\*Not measured:\*\* `broken` stopped with an error/);
    assert.match(written, /## Not measured in this run/);
    assert.match(written, /- `broken` \(a benchmark that stops\): the server went away\n/);
    // The stack stays in the log, not in the report.
    assert.doesNotMatch(written, /file\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a suite with no failure says nothing of failures", async () => {
  const result = await runSuite([measured("only", "Only table")], {
    smoke: true,
    only: [],
    runs: 1,
    out: undefined,
    log: () => undefined,
  });
  assert.deepEqual(result.failures, []);
  assert.doesNotMatch(result.markdown, /Not measured/);
});
