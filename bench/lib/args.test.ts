import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RUNS, parseBenchArgs, SMOKE_RUNS } from "./args.ts";

const parse = (argv: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  parseBenchArgs(argv, env, "/repo/docs/BENCHMARKS.md");

test("a full run of the whole suite writes the default report", () => {
  assert.deepEqual(parse([]), {
    help: false,
    smoke: false,
    only: [],
    runs: DEFAULT_RUNS,
    out: "/repo/docs/BENCHMARKS.md",
  });
});

test("smoke and --only runs write only where --out says", () => {
  assert.equal(parse(["--smoke"]).out, undefined);
  assert.equal(parse(["--smoke"]).runs, SMOKE_RUNS);
  assert.equal(parse([], { BENCH_SMOKE: "1" }).smoke, true);
  assert.equal(parse(["--only", "merge"]).out, undefined);
  assert.equal(parse(["--smoke", "--out", "/tmp/x.md"]).out, "/tmp/x.md");
});

test("--only takes repeated and comma-separated names; --runs takes a positive whole number", () => {
  assert.deepEqual(parse(["--only", "merge,sizes", "--only", "kdf"]).only, [
    "merge",
    "sizes",
    "kdf",
  ]);
  assert.equal(parse(["--runs", "3"]).runs, 3);
  assert.throws(() => parse(["--runs", "0"]), /positive whole number/);
  assert.throws(() => parse(["--runs", "2.5"]), /positive whole number/);
  assert.throws(() => parse(["--bogus"]));
});
