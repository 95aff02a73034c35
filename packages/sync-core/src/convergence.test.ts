/** Property tests of convergence: any devices, any delivery order, any duplication, any clock skew. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createSeededRandom } from "./deps.ts";
import type { Event, FieldValue } from "./event.ts";
import { createIdFactory, createVaultId, type ItemId } from "./ids.ts";
import { fieldHistory, type HistoryEntry } from "./item-state.ts";
import { createReplica, mergeReplicas, type Replica } from "./replica.ts";
import { summarizeReplica } from "./testing/reference-merge.ts";
import { createTestDevice, type TestDevice } from "./testing/test-device.ts";

const HOUR = 3_600_000;
const FIELD_NAMES = ["title", "username", "password", "urls"] as const;

type Action =
  | { kind: "set"; device: number; item: number; fields: readonly string[]; value: number }
  | { kind: "delete" | "restore" | "purge"; device: number; item: number }
  | { kind: "deliver"; device: number; pick: number; keepCopy: boolean }
  | { kind: "time"; ms: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("set" as const),
      device: fc.nat(4),
      item: fc.nat(3),
      fields: fc.subarray([...FIELD_NAMES], { minLength: 1 }),
      value: fc.nat(5),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("delete" as const, "restore" as const, "purge" as const),
      device: fc.nat(4),
      item: fc.nat(3),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("deliver" as const),
      device: fc.nat(4),
      pick: fc.nat(),
      keepCopy: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("time" as const),
      ms: fc.integer({ min: 0, max: HOUR }),
    }),
  },
);

interface Simulation {
  readonly devices: readonly TestDevice[];
  readonly written: readonly Event[];
}

/** Runs the actions; at the end every device receives everything, in a seeded random order, with duplicates. */
const simulate = (
  skews: readonly number[],
  actions: readonly Action[],
  seed: number,
): Simulation => {
  let wall = 1_700_000_000_000;
  const vaultId = createVaultId(createSeededRandom(seed));
  const devices = skews.map((skewMs, i) =>
    createTestDevice({ vaultId, seed: seed * 31 + i, wall: () => wall, skewMs }),
  );
  const itemIds: ItemId[] = Array.from(
    { length: 4 },
    createIdFactory({ now: () => wall, randomBytes: createSeededRandom(seed + 7) }).itemId,
  );
  const inboxes: Event[][] = devices.map(() => []);
  const written: Event[] = [];
  const broadcast = (from: number, event: Event) => {
    written.push(event);
    inboxes.forEach((inbox, i) => {
      if (i !== from) inbox.push(event);
    });
  };

  for (const action of actions) {
    if (action.kind === "time") {
      wall += action.ms;
      continue;
    }
    const index = action.device % devices.length;
    const device = devices[index] as TestDevice;
    if (action.kind === "deliver") {
      const inbox = inboxes[index] as Event[];
      if (inbox.length === 0) continue;
      const at = action.pick % inbox.length;
      const event = inbox[at] as Event;
      if (!action.keepCopy) inbox.splice(at, 1);
      device.receive(event);
      continue;
    }
    const itemId = itemIds[action.item] as ItemId;
    if (action.kind === "set") {
      const values: Record<string, FieldValue> = {};
      for (const name of action.fields) {
        values[name] =
          name === "urls"
            ? [`https://${action.value}.example`]
            : `${name}-${index}-${action.value}`;
      }
      broadcast(index, device.set(itemId, values));
    } else if (device.view(itemId) !== undefined) {
      broadcast(index, device.lifecycle(itemId, action.kind));
    }
  }

  const random = createSeededRandom(seed ^ 0x5eed);
  devices.forEach((device, i) => {
    const remaining = [
      ...(inboxes[i] as Event[]),
      ...written.filter(() => ((random(1)[0] as number) & 3) === 0),
    ];
    for (let k = remaining.length - 1; k > 0; k--) {
      const j = ((random(4)[0] as number) | ((random(1)[0] as number) << 8)) % (k + 1);
      [remaining[k], remaining[j]] = [remaining[j] as Event, remaining[k] as Event];
    }
    for (const event of remaining) device.receive(event);
  });
  return { devices, written };
};

/** Everything a user could see of a replica, in a form `deepEqual` can compare. */
const summarize = summarizeReplica;

const skewsArb = fc.array(fc.integer({ min: -6 * HOUR, max: 6 * HOUR }), {
  minLength: 2,
  maxLength: 5,
});

test("property: replicas that receive the same events in any order, with duplicates and delays, converge", () => {
  fc.assert(
    fc.property(
      skewsArb,
      fc.array(actionArb, { minLength: 20, maxLength: 160, size: "max" }),
      fc.nat(),
      (skews, actions, seed) => {
        const { devices, written } = simulate(skews, actions, seed);
        const expected = summarize((devices[0] as TestDevice).replica);
        for (const device of devices.slice(1))
          assert.deepEqual(summarize(device.replica), expected);
        // The same history everywhere: the same set of events.
        const eventIds = (devices[0] as TestDevice).replica.events().map((e) => e.id);
        assert.deepEqual(eventIds, [...new Set(written.map((e) => e.id))].sort());
        for (const device of devices)
          assert.deepEqual(
            device.replica.events().map((e) => e.id),
            eventIds,
          );
      },
    ),
    { numRuns: 300 },
  );
});

test("property: nothing is lost; every value ever written is in its field's history on every replica", () => {
  fc.assert(
    fc.property(
      skewsArb,
      fc.array(actionArb, { minLength: 10, maxLength: 100, size: "max" }),
      fc.nat(),
      (skews, actions, seed) => {
        const { devices, written } = simulate(skews, actions, seed);
        for (const device of devices) {
          for (const event of written) {
            if (event.op.kind !== "set") continue;
            const state = device.replica.itemState(event.itemId);
            assert.ok(state !== undefined);
            for (const write of event.op.fields) {
              const found: HistoryEntry | undefined = fieldHistory(state, write.name).find(
                (h) => h.eventId === event.id,
              );
              assert.deepEqual(found?.value, write.value);
            }
          }
        }
      },
    ),
    { numRuns: 150 },
  );
});

test("property: merge is commutative, associative and idempotent", () => {
  fc.assert(
    fc.property(
      skewsArb,
      fc.array(actionArb, { minLength: 10, maxLength: 100, size: "max" }),
      fc.nat(),
      fc.nat(),
      (skews, actions, seed, split) => {
        const { written } = simulate(skews, actions, seed);
        // Three arbitrary, overlapping sets of events.
        const pick = (k: number) =>
          createReplica(written.filter((_, i) => (i * 7 + split + k) % 5 < 3));
        const [a, b, c] = [pick(0), pick(1), pick(2)];
        const s = (r: Replica) => summarize(r);
        assert.deepEqual(s(mergeReplicas(a, b)), s(mergeReplicas(b, a)));
        assert.deepEqual(
          s(mergeReplicas(mergeReplicas(a, b), c)),
          s(mergeReplicas(a, mergeReplicas(b, c))),
        );
        assert.deepEqual(s(mergeReplicas(a, a)), s(a));
      },
    ),
    { numRuns: 150 },
  );
});

test("property: applying a log in any permutation, with every event repeated, gives the in-order state", () => {
  fc.assert(
    fc.property(
      skewsArb,
      fc.array(actionArb, { minLength: 10, maxLength: 100, size: "max" }),
      fc.nat(),
      (skews, actions, seed) => {
        const { written } = simulate(skews, actions, seed);
        const inOrder = createReplica(written);
        const random = createSeededRandom(seed + 1);
        const shuffled = [...written, ...written].sort(() => ((random(1)[0] as number) & 1) - 0.5);
        const outcomes = shuffled.map((event) => inOrder.apply(event));
        assert.ok(outcomes.every((o) => o === "duplicate"));
        assert.deepEqual(summarize(createReplica(shuffled)), summarize(inOrder));
      },
    ),
    { numRuns: 150 },
  );
});
