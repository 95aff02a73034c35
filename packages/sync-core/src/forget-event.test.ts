import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createSeededRandom } from "./deps.ts";
import type { Event } from "./event.ts";
import { createVaultId } from "./ids.ts";
import { encodeItemState } from "./item-state-codec.ts";
import { applyToItem, createItemState, forgetEvent, viewItem } from "./item-state.ts";
import { createTestDevice } from "./testing/test-device.ts";

/** Edits, conflicts and lifecycle changes of one item on three devices; every event made, in order. */
const historyArb = fc
  .record({
    seed: fc.nat(),
    steps: fc.array(
      fc.record({
        device: fc.nat(2),
        action: fc.oneof(
          fc.record({
            kind: fc.constant("set" as const),
            name: fc.constantFrom("title", "password", "notes"),
            value: fc.oneof(fc.constant(null), fc.string({ maxLength: 3 })),
          }),
          fc.record({
            kind: fc.constantFrom("delete" as const, "restore" as const, "purge" as const),
          }),
        ),
        deliver: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    forget: fc.nat(),
  })
  .map(({ seed, steps, forget }) => {
    let wall = 1_700_000_000_000;
    const vaultId = createVaultId(createSeededRandom(seed));
    const devices = [0, 1, 2].map((i) =>
      createTestDevice({ vaultId, seed: seed * 3 + i, wall: () => wall }),
    );
    const item = devices[0]!.newItemId();
    const events: Event[] = [devices[0]!.set(item, { title: "t" })];
    for (const step of steps) {
      wall += 7;
      const device = devices[step.device]!;
      if (device.view(item) === undefined) continue;
      const event =
        step.action.kind === "set"
          ? device.set(item, { [step.action.name]: step.action.value })
          : device.lifecycle(item, step.action.kind);
      events.push(event);
      if (step.deliver) for (const other of devices) other.receive(event);
    }
    return { item, events, forgotten: events[forget % events.length]! };
  });

test("property: forgetting an event leaves the state the other events make", () => {
  fc.assert(
    fc.property(historyArb, ({ item, events, forgotten }) => {
      const all = createItemState(item);
      for (const event of events) applyToItem(all, event);
      assert.equal(forgetEvent(all, forgotten.id), true);
      assert.equal(forgetEvent(all, forgotten.id), false, "a second time finds nothing");

      const others = createItemState(item);
      for (const event of events) if (event.id !== forgotten.id) applyToItem(others, event);
      assert.deepEqual(encodeItemState(all), encodeItemState(others));
      assert.deepEqual([...all.lifecycleSuperseded].sort(), [...others.lifecycleSuperseded].sort());
      for (const [name, field] of others.fields)
        assert.deepEqual(
          [...(all.fields.get(name)?.superseded ?? [])].sort(),
          [...field.superseded].sort(),
        );
      if (others.applied.size > 0) assert.deepStrictEqual(viewItem(all), viewItem(others));
      // The forgotten event can be applied again, as if it arrived late.
      assert.equal(applyToItem(all, forgotten), "applied");
    }),
    { numRuns: 1000 },
  );
});
