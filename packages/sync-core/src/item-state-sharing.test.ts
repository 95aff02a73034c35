import assert from "node:assert/strict";
import { test } from "node:test";
import { createSeededRandom } from "./deps.ts";
import { createVaultId, type EventId } from "./ids.ts";
import { createTestDevice } from "./testing/test-device.ts";

test("items share their empty lifecycle collections until a change, which no other item sees", () => {
  const a = createTestDevice({
    vaultId: createVaultId(createSeededRandom(1)),
    seed: 2,
    wall: () => 1_700_000_000_000,
  });
  const [one, two] = [a.newItemId(), a.newItemId()];
  a.set(one, { title: "one" });
  a.set(two, { title: "two" });
  a.lifecycle(one, "delete");
  assert.equal(a.view(one)?.status, "trashed");
  assert.equal(a.view(two)?.status, "live");
  const untouched = a.replica.itemState(two)!;
  assert.equal(untouched.lifecycle.size, 0);
  assert.deepStrictEqual(untouched.lifecycle, new Map());
  assert.throws(() => untouched.lifecycle.clear(), /cannot change/);
  assert.throws(
    () => untouched.fields.get("title")?.superseded.add(untouched.itemId as string as EventId),
    /cannot change/,
  );
  assert.equal(a.replica.itemState(one)?.lifecycle.size, 1);
});
