import assert from "node:assert/strict";
import { test } from "node:test";
import { summarize } from "./stats.ts";

test("summarize gives the median, the extremes and interpolated quartiles, whatever the order", () => {
  assert.deepEqual(summarize([5, 1, 3, 2, 4]), { n: 5, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
  assert.deepEqual(summarize([4, 1, 3, 2]), {
    n: 4,
    median: 2.5,
    min: 1,
    max: 4,
    q1: 1.75,
    q3: 3.25,
  });
  assert.equal(summarize([7]).median, 7);
});

test("summarize refuses no samples and non-finite ones", () => {
  assert.throws(() => summarize([]), /zero samples/);
  assert.throws(() => summarize([1, Number.NaN]), /non-finite/);
});
