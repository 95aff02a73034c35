import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createSeededRandom } from "./deps.ts";
import type { Event } from "./event.ts";
import { decodeEvent, encodeEvent } from "./event-codec.ts";
import { GENESIS } from "./hash-chain.ts";
import { createVaultId, type EventId } from "./ids.ts";
import { createReplica, mergeReplicas } from "./replica.ts";
import { createTestDevice } from "./testing/test-device.ts";

const FIELDS = ["title", "password", "urls", "ä"] as const;

/** Events as two devices write them (lists in writing order, not canonical), some concurrent. */
const writeHistory = (seed: number, steps: readonly (readonly [number, number, number])[]) => {
  let wall = 1_700_000_000_000;
  const vaultId = createVaultId(createSeededRandom(seed));
  const devices = [1, 2].map((i) =>
    createTestDevice({ vaultId, seed: seed * 2 + i, wall: () => wall }),
  );
  const items = [devices[0]!.newItemId(), devices[0]!.newItemId()];
  const written: Event[] = [];
  for (const item of items) written.push(devices[0]!.set(item, { title: "t", password: "p" }));
  written.forEach((e) => devices[1]!.receive(e));
  for (const [device, item, action] of steps) {
    wall += 5;
    const writer = devices[device]!;
    const itemId = items[item]!;
    const event =
      action < 4
        ? writer.set(itemId, { [FIELDS[action]!]: `v${written.length}`, title: "t2" })
        : writer.lifecycle(itemId, action === 4 ? "delete" : "restore");
    written.push(event);
    if (action % 2 === 0) devices.forEach((d) => d.receive(event));
  }
  return written;
};

const stepsArb = fc.array(fc.tuple(fc.nat(1), fc.nat(1), fc.nat(5)), { maxLength: 25 });

test("property: a replica returns every event applied, in canonical form, ordered by id", () => {
  fc.assert(
    fc.property(fc.nat(), stepsArb, (seed, steps) => {
      const written = writeHistory(seed, steps);
      const replica = createReplica([...written, ...written.slice(0, 3)]);
      const events = replica.events();
      const ids = written.map((e) => e.id).sort();
      assert.deepEqual(
        events.map((e) => e.id),
        ids,
      );
      const byId = new Map(written.map((e) => [e.id, e]));
      for (const event of events) {
        const original = byId.get(event.id) as Event;
        const bytes = encodeEvent(original);
        assert.deepEqual(encodeEvent(event), bytes);
        const decoded = decodeEvent(bytes);
        assert.ok(decoded.ok);
        assert.deepStrictEqual(event, decoded.value);
        assert.ok(replica.has(event.id));
      }
      assert.equal(replica.size(), written.length);
      assert.equal(replica.has("018f0000-0000-7000-8000-000000000000" as EventId), false);
      assert.deepEqual(mergeReplicas(replica, createReplica()).events(), events);
    }),
    { numRuns: 200 },
  );
});

test("events a replica cannot rebuild from item states are kept and returned as they were", () => {
  const [first, second, third] = writeHistory(7, [
    [0, 0, 1],
    [1, 0, 2],
  ]) as [Event, Event, Event];
  const withCheckpoint: Event = { ...second, checkpoint: GENESIS };
  const otherVault: Event = {
    ...third,
    vaultId: createVaultId(createSeededRandom(8)),
  };
  const replica = createReplica([first, withCheckpoint, otherVault]);
  const events = replica.events();
  assert.equal(
    events.find((e) => e.id === withCheckpoint.id),
    withCheckpoint,
  );
  assert.equal(
    events.find((e) => e.id === otherVault.id),
    otherVault,
  );
  assert.equal(events.length, 3);
});

test("an id applied to two items stands for the last event applied under it, as before", () => {
  const [first, second, third] = writeHistory(9, [[0, 1, 1]]) as [Event, Event, Event];
  const reused: Event = { ...third, id: first.id };
  const replica = createReplica([first, second, reused]);
  assert.equal(replica.size(), 2);
  const events = replica.events();
  assert.deepEqual(
    events.map((e) => e.id),
    [first.id, second.id].sort(),
  );
  assert.deepEqual(
    encodeEvent(events.find((e) => e.id === first.id) as Event),
    encodeEvent(reused),
  );
  const again = createReplica([first, { ...reused, checkpoint: GENESIS }, second]);
  assert.equal(again.events().find((e) => e.id === first.id)?.checkpoint, GENESIS);
  const back = createReplica([{ ...first, checkpoint: GENESIS }, reused]);
  assert.deepEqual(back.events().map(encodeEvent), [encodeEvent(reused)]);
});
