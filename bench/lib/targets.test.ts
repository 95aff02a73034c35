import assert from "node:assert/strict";
import { test } from "node:test";
import { quantity } from "./table.ts";
import { isMet, type Target, verdict } from "./targets.ts";

const target = (value: number, reference: number, better: Target["better"]): Target => ({
  label: "x",
  goal: "y",
  measured: quantity(value, "per-second"),
  reference,
  better,
});

test("a target is met at or past its reference, whichever way is better", () => {
  assert.equal(verdict(target(5_000, 5_000, "higher")), "met");
  assert.equal(verdict(target(19.9, 20, "lower")), "met");
  assert.ok(isMet(target(60_000, 50_000, "higher")));
});

test("a missed target says how much of it was reached", () => {
  assert.equal(verdict(target(30_000, 50_000, "higher")), "missed (×0.60)");
  assert.equal(verdict(target(40, 20, "lower")), "missed (×0.50)");
  assert.equal(verdict(target(477, 5_000, "higher")), "missed (×0.095)");
});
