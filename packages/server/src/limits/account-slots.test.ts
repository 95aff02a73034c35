import assert from "node:assert/strict";
import { test } from "node:test";
import { createAccountSlots } from "./account-slots.ts";

test("gives each account up to `max` slots, keeps accounts apart, and releases once", () => {
  const slots = createAccountSlots(2);
  const first = slots.acquire("a");
  const second = slots.acquire("a");
  assert.ok(first !== undefined && second !== undefined);
  assert.equal(slots.acquire("a"), undefined);
  assert.ok(slots.acquire("b") !== undefined);
  first();
  first();
  assert.equal(slots.inUse("a"), 1);
  assert.ok(slots.acquire("a") !== undefined);
  assert.equal(slots.acquire("a"), undefined);
});

test("refuses a nonsensical slot count", () => {
  assert.throws(() => createAccountSlots(0), RangeError);
});
