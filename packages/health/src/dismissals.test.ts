import assert from "node:assert/strict";
import { test } from "node:test";
import { checkField } from "@keypears/vault/core";
import {
  DISMISSED_FIELD,
  dismissalKey,
  isFindingKind,
  readDismissals,
  withDismissal,
  withoutDismissals,
} from "./dismissals.ts";

test("the vault accepts the dismissals field as a list of text", () => {
  assert.deepEqual(checkField(DISMISSED_FIELD, ["weak:e1"]), { ok: true, value: ["weak:e1"] });
  assert.equal(checkField(DISMISSED_FIELD, "weak").ok, false);
});

test("entries are added once and removed by kind, whatever write they name", () => {
  const key = dismissalKey("weak", "e1");
  assert.equal(key, "weak:e1");
  assert.equal(dismissalKey("missing-2fa", undefined), "missing-2fa");
  const one = withDismissal(undefined, key);
  assert.deepEqual(one, ["weak:e1"]);
  assert.equal(withDismissal(one, key), undefined);
  const two = withDismissal(one, "old:e1") as string[];
  assert.deepEqual(withoutDismissals(two, "weak"), ["old:e1"]);
  assert.equal(withoutDismissals(two, "reused"), undefined);
  assert.equal(withoutDismissals(["weak:e1", "weak:e0"], "weak"), null);
  assert.deepEqual(readDismissals(["a", 3, null, "b"]), ["a", "b"]);
  assert.deepEqual(readDismissals("weak"), []);
  assert.ok(isFindingKind("insecure-url") && !isFindingKind("strong"));
});
