import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decode, encode } from "cborg";
import { createSeededRandom } from "./deps.ts";
import { createVaultId } from "./ids.ts";
import { decodeItemState, encodeItemState } from "./item-state-codec.ts";
import { applyToItem, fieldHistory, viewItem } from "./item-state.ts";
import { createTestDevice } from "./testing/test-device.ts";

const scenario = (seed: number) => {
  let wall = 1_700_000_000_000;
  const vaultId = createVaultId(createSeededRandom(seed));
  const [a, b] = [1, 2].map((i) =>
    createTestDevice({ vaultId, seed: seed * 10 + i, wall: () => wall }),
  );
  if (a === undefined || b === undefined) throw new Error("unreachable");
  const item = a.newItemId();
  const events = [a.set(item, { title: "t", password: "p0", urls: ["https://x.example"] })];
  events.forEach((e) => b.receive(e));
  wall += 10;
  events.push(a.set(item, { password: "p1" }), b.set(item, { password: "p2", notes: "n" }));
  events.push(b.lifecycle(item, "delete"));
  events.forEach((e) => {
    a.receive(e);
    b.receive(e);
  });
  return { state: a.replica.itemState(item)!, events };
};

test("an item's merge state survives encoding: same view, same history, and new events still apply", () => {
  const { state, events } = scenario(1);
  const bytes = encodeItemState(state);
  const decoded = decodeItemState(bytes);
  assert.ok(decoded.ok, decoded.ok ? "" : decoded.error.reason);
  assert.deepEqual(viewItem(decoded.value), viewItem(state));
  assert.deepEqual(fieldHistory(decoded.value, "password"), fieldHistory(state, "password"));
  assert.deepEqual(encodeItemState(decoded.value), bytes);
  for (const event of events) assert.equal(applyToItem(decoded.value, event), "duplicate");
  assert.equal(bytes.constructor, Uint8Array);
});

test("property: encoding is stable and decoding restores the view for any simulated item", () => {
  fc.assert(
    fc.property(fc.nat(), (seed) => {
      const { state } = scenario(seed);
      const decoded = decodeItemState(encodeItemState(state));
      assert.ok(decoded.ok);
      assert.deepEqual(viewItem(decoded.value), viewItem(state));
    }),
    { numRuns: 50 },
  );
});

test("malformed, inconsistent or non-canonical states are refused", () => {
  const { state } = scenario(2);
  const [version, itemId, applied, fields, lifecycle] = decode(encodeItemState(state)) as unknown[];
  const reordered = encode([
    version,
    itemId,
    applied,
    [...(fields as unknown[])].reverse(),
    lifecycle,
  ]);
  const cases = [
    new Uint8Array([0xff]),
    encode([2]),
    encode([1, new Uint8Array(16), [], [["title", [[new Uint8Array(16), "x", [], []]]]], []]), // a write with no applied event
    reordered, // the same state with its fields out of order: not canonical
  ];
  for (const input of cases) assert.equal(decodeItemState(input).ok, false);
});
