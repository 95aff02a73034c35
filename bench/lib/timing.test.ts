import assert from "node:assert/strict";
import { test } from "node:test";
import { timed, timeRepeated } from "./timing.ts";

test("timeRepeated discards the warm-up runs and prepares every run untimed", () => {
  const prepared: number[] = [];
  let calls = 0;
  const samples = timeRepeated(
    () => prepared.push(prepared.length),
    () => {
      calls++;
    },
    { warmups: 2, runs: 3 },
  );
  assert.equal(samples.length, 3);
  assert.equal(calls, 5);
  assert.equal(prepared.length, 5);
  for (const ms of samples) assert.ok(ms >= 0);
});

test("timed returns what the function returned", () => {
  assert.equal(timed(() => 42).result, 42);
});
