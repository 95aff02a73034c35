import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, formatQuantity } from "./format.ts";

test("quantities keep three significant figures when small and group thousands when large", () => {
  assert.equal(formatQuantity({ value: 0.0123, unit: "ms" }), "0.012");
  assert.equal(formatQuantity({ value: 4.567, unit: "ms" }), "4.57");
  assert.equal(formatQuantity({ value: 45.67, unit: "ms" }), "45.7");
  assert.equal(
    formatQuantity({ value: 45_678.9, unit: "ms", spread: [40_000, 50_000] }),
    "45,679 (40,000–50,000)",
  );
  assert.equal(formatQuantity({ value: 44_696.2, unit: "per-second" }), "44,696");
  assert.equal(formatQuantity({ value: 0.571, unit: "ratio" }), "0.57×");
  assert.equal(formatQuantity({ value: 26.81, unit: "ratio" }), "26.8×");
  assert.equal(formatQuantity({ value: 121.06, unit: "mb" }), "121.1");
});

test("durations read as seconds, then minutes", () => {
  assert.equal(formatDuration(2_345), "2.3 s");
  assert.equal(formatDuration(60_000), "1 min");
  assert.equal(formatDuration(243_400), "4 min 3 s");
});
