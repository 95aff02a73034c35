import assert from "node:assert/strict";
import { test } from "node:test";
import { itemStatesWritten } from "./state-writes.ts";

test("deferred batches write each item once per pull, or once each time the deferred items pass the bound", () => {
  const events = [undefined, 1, 2, 1, 3, 1];
  // Two batches of 3, the first deferred: items {1, 2, 3}, each once; the roster event writes none.
  assert.equal(itemStatesWritten(events, 3, 100), 3);
  // Batches of one, all deferred but the last: still each item once.
  assert.equal(itemStatesWritten(events, 1, 100), 3);
  // A bound of 1: the first batch ({1, 2}: more than 1) is written at once, then {1, 3}.
  assert.equal(itemStatesWritten(events, 3, 1), 4);
  // A bound of 0 is no deferral: every batch writes the items it touches.
  assert.equal(itemStatesWritten(events, 1, 0), 5);
  assert.equal(itemStatesWritten([], 50_000, 100_000), 0);
  assert.throws(() => itemStatesWritten([1], 0, 1), RangeError);
  assert.throws(() => itemStatesWritten([1], 1, -1), RangeError);
});
