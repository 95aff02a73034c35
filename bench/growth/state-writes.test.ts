import assert from "node:assert/strict";
import { test } from "node:test";
import { itemStatesWritten } from "./state-writes.ts";

test("each batch writes every item it touches once", () => {
  // Two batches of 3: items {1, 2} then {1, 3}; the roster event (undefined) writes no item.
  assert.equal(itemStatesWritten([undefined, 1, 2, 1, 3, 1], 3), 4);
  // One batch: each item once.
  assert.equal(itemStatesWritten([undefined, 1, 2, 1, 3, 1], 6), 3);
  // Batches of one: every event writes its item.
  assert.equal(itemStatesWritten([undefined, 1, 2, 1, 3, 1], 1), 5);
  assert.equal(itemStatesWritten([], 50_000), 0);
  assert.throws(() => itemStatesWritten([1], 0), RangeError);
});
