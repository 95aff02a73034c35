import assert from "node:assert/strict";
import { test } from "node:test";
import { createMergeCheck } from "./check.ts";
import type { MergeTarget } from "./contender.ts";
import { createMergeWorkload, fieldKey, finalValues } from "./workload.ts";

const workload = createMergeWorkload({ sets: 500, items: 50 });

const targetReading = (values: ReadonlyMap<string, string>): MergeTarget => ({
  applyAt: () => undefined,
  read: (itemKey, field) => values.get(fieldKey(workload.itemKeys.indexOf(itemKey), field)),
  dispose: () => undefined,
});

test("the merge check passes a replica holding the final values", () => {
  const check = createMergeCheck(workload);
  check("complete", targetReading(finalValues(workload)), 500);
  check("stopped early", targetReading(finalValues(workload, 120)), 120);
});

test("the merge check fails a replica that applied nothing or stopped short", () => {
  const check = createMergeCheck(workload);
  assert.throws(
    () => check("idle", targetReading(new Map()), 500),
    /idle failed the correctness check/,
  );
  assert.throws(
    () => check("short", targetReading(finalValues(workload, 499)), 500),
    /short failed the correctness check/,
  );
});

test("the workload is the same for the same seed and creates every item first", () => {
  assert.deepEqual(createMergeWorkload({ sets: 500, items: 50 }), workload);
  assert.deepEqual(
    workload.sets.slice(0, 50).map((set) => set.item),
    Array.from({ length: 50 }, (_, i) => i),
  );
  for (const set of workload.sets) assert.ok(set.value.length >= 16 && set.value.length <= 24);
});
