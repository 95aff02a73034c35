/** The real merge agrees with the reference model of the merge rules: values, heads, conflicts, status and history, on random histories. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Event, FieldValue, LifecycleKind } from "./event.ts";
import type { DeviceId, EventId, ItemId, VaultId } from "./ids.ts";
import { createReplica } from "./replica.ts";
import { createTestDevice, type TestDevice } from "./testing/test-device.ts";
import { referenceMerge, summarizeReplica as summarize } from "./testing/reference-merge.ts";

const VAULT = "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5" as VaultId;
const ITEMS = [
  "018f3a2a-ffff-7000-a000-000000000001",
  "018f3a2a-ffff-7000-a000-000000000002",
] as ItemId[];
const FIELDS = ["password", "title", "urls"] as const;
const NODES = ["00000000000000aa", "00000000000000bb", "0000000000000ccc"] as DeviceId[];
/** A small pool, so concurrent writes often agree (several heads, no conflict) as well as differ. */
const VALUES: readonly FieldValue[] = ["a", "b", "", 7, true, null, ["x", "y"], ["x"]];

/** One step of a random history: a write or a lifecycle change, naming earlier events by index. */
interface Step {
  readonly kind: "set" | LifecycleKind;
  readonly item: number;
  readonly idPrefix: number;
  readonly millis: number;
  readonly counter: number;
  readonly node: number;
  readonly fields: readonly {
    readonly field: number;
    readonly value: number;
    readonly basedOn: readonly number[];
  }[];
  readonly basedOn: readonly number[];
  readonly seen: readonly number[];
  readonly missingParent: boolean;
}

const picks = fc.array(fc.nat(), { maxLength: 3 });
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(
    { weight: 4, arbitrary: fc.constant("set" as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("delete" as const, "restore" as const, "purge" as const),
    },
  ),
  item: fc.nat(ITEMS.length - 1),
  idPrefix: fc.nat(0xffffffff),
  // Few distinct clocks, so equal HLCs (ties broken by event id) happen too.
  millis: fc.nat(12),
  counter: fc.nat(1),
  node: fc.nat(NODES.length - 1),
  fields: fc.uniqueArray(
    fc.record({
      field: fc.nat(FIELDS.length - 1),
      value: fc.nat(VALUES.length - 1),
      basedOn: picks,
    }),
    { minLength: 1, maxLength: FIELDS.length, selector: (f) => f.field },
  ),
  basedOn: picks,
  seen: picks,
  missingParent: fc.boolean(),
});

/** Chooses distinct ids from `pool` by the picks (an empty pool gives none). */
const choose = (pool: readonly EventId[], chosen: readonly number[]): EventId[] =>
  pool.length === 0 ? [] : [...new Set(chosen.map((n) => pool[n % pool.length] as EventId))];

/**
 * Turns steps into events. Each names earlier events only (so `basedOn` has no cycles) but any
 * earlier ones, heads or not, as writers with stale or partial views would; some name an event
 * that never arrives.
 */
const buildHistory = (steps: readonly Step[]): Event[] => {
  const events: Event[] = [];
  const writesOf = (item: ItemId, field: string) =>
    events
      .filter(
        (e) =>
          e.itemId === item && e.op.kind === "set" && e.op.fields.some((f) => f.name === field),
      )
      .map((e) => e.id);
  const changesOf = (item: ItemId) =>
    events.filter((e) => e.itemId === item && e.op.kind !== "set").map((e) => e.id);
  steps.forEach((step, index) => {
    const suffix = index.toString(16).padStart(12, "0");
    const id = `${step.idPrefix.toString(16).padStart(8, "0")}-0000-7000-8000-${suffix}` as EventId;
    const missing = step.missingParent ? [`ffffffff-0000-7000-8000-${suffix}` as EventId] : [];
    const itemId = ITEMS[step.item] as ItemId;
    const changes = changesOf(itemId);
    const common = {
      id,
      vaultId: VAULT,
      itemId,
      hlc: {
        millis: 1_700_000_000_000 + step.millis,
        counter: step.counter,
        node: NODES[step.node] as DeviceId,
      },
      checkpoint: null,
    };
    if (step.kind === "set") {
      events.push({
        ...common,
        op: {
          kind: "set",
          fields: step.fields.map((f) => {
            const name = FIELDS[f.field] as string;
            return {
              name,
              value: VALUES[f.value] as FieldValue,
              basedOn: [...choose(writesOf(itemId, name), f.basedOn), ...missing],
            };
          }),
          lifecycleSeen: choose(changes, step.seen),
        },
      });
    } else {
      events.push({
        ...common,
        op: {
          kind: step.kind,
          basedOn: [...choose(changes, step.basedOn), ...missing],
          seenFields: FIELDS.map((name, i) => ({
            name,
            heads: choose(
              writesOf(itemId, name),
              step.seen.map((n) => n + i),
            ),
          })).filter((f) => f.heads.length > 0),
        },
      });
    }
  });
  return events;
};

test("the reference model follows ARCHITECTURE.md's examples", () => {
  const [a, b, c, d] = ["a", "b", "c", "d"].map(
    (x) => `0000000${x}-0000-7000-8000-000000000000` as EventId,
  ) as [EventId, EventId, EventId, EventId];
  const item = ITEMS[0] as ItemId;
  const at = (millis: number, node = 0) => ({ millis, counter: 0, node: NODES[node] as DeviceId });
  const set = (
    id: EventId,
    millis: number,
    value: string,
    basedOn: EventId[],
    node = 0,
  ): Event => ({
    id,
    vaultId: VAULT,
    itemId: item,
    hlc: at(millis, node),
    checkpoint: null,
    op: { kind: "set", fields: [{ name: "password", value, basedOn }], lifecycleSeen: [] },
  });
  // Two concurrent writes: the greater HLC wins, and the field is in conflict.
  const [concurrent] = referenceMerge([
    set(a, 1, "old", []),
    set(b, 3, "left", [a]),
    set(c, 2, "right", [a], 1),
  ]);
  assert.deepEqual(concurrent?.fields[0]?.value, "left");
  assert.deepEqual(concurrent?.fields[0]?.heads, [b, c]);
  assert.deepEqual(concurrent?.conflicts, [["field", "password", [b, c]]]);
  // A write based on both resolves it, even with an older clock.
  const [resolved] = referenceMerge([
    set(a, 1, "old", []),
    set(b, 3, "left", [a]),
    set(c, 2, "right", [a], 1),
    set(d, 2, "merged", [b, c], 2),
  ]);
  assert.deepEqual([resolved?.fields[0]?.value, resolved?.conflicts], ["merged", []]);
  // An edit concurrent with a delete keeps the item live, reported as edit-delete.
  const deletion: Event = {
    id: c,
    vaultId: VAULT,
    itemId: item,
    hlc: at(5),
    checkpoint: null,
    op: { kind: "delete", basedOn: [], seenFields: [{ name: "password", heads: [a] }] },
  };
  const [kept] = referenceMerge([set(a, 1, "old", []), set(b, 2, "edited", [a], 1), deletion]);
  assert.equal(kept?.status, "live");
  assert.deepEqual(kept?.conflicts, [["edit-delete", [c], [b]]]);
  const [deleted] = referenceMerge([set(a, 1, "old", []), deletion]);
  assert.deepEqual([deleted?.status, deleted?.conflicts], ["trashed", []]);
});

test("property: the merge of any set of events, in any order and with duplicates, is the reference model's", () => {
  fc.assert(
    fc.property(
      fc.array(stepArb, { minLength: 1, maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 60 }),
      fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      (steps, order, kept) => {
        const history = buildHistory(steps);
        // A replica that has some of the events (an event's parents may be missing), shuffled, some twice.
        const have = history.filter((_, i) => kept[i] !== false);
        const delivered = [
          ...have,
          ...order
            .slice(0, 10)
            .flatMap((n) => (have.length === 0 ? [] : [have[n % have.length] as Event])),
        ];
        for (let i = delivered.length - 1; i > 0; i--) {
          const j = (order[i % Math.max(order.length, 1)] ?? i) % (i + 1);
          [delivered[i], delivered[j]] = [delivered[j] as Event, delivered[i] as Event];
        }
        assert.deepEqual(summarize(createReplica(delivered)), referenceMerge(delivered));
      },
    ),
    { numRuns: 400 },
  );
});

type DeviceAction =
  | {
      readonly kind: "set";
      readonly device: number;
      readonly item: number;
      readonly field: number;
      readonly value: number;
    }
  | { readonly kind: LifecycleKind; readonly device: number; readonly item: number }
  | { readonly kind: "deliver"; readonly device: number; readonly pick: number };

const deviceActionArb: fc.Arbitrary<DeviceAction> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    device: fc.nat(2),
    item: fc.nat(ITEMS.length - 1),
    field: fc.nat(FIELDS.length - 1),
    value: fc.nat(VALUES.length - 1),
  }),
  fc.record({
    kind: fc.constantFrom("delete" as const, "restore" as const, "purge" as const),
    device: fc.nat(2),
    item: fc.nat(ITEMS.length - 1),
  }),
  fc.record({ kind: fc.constant("deliver" as const), device: fc.nat(2), pick: fc.nat() }),
);

test("property: devices writing on what they see, with partial delivery, each agree with the reference model", () => {
  fc.assert(
    fc.property(
      fc.array(deviceActionArb, { minLength: 1, maxLength: 60 }),
      fc.nat(),
      (actions, seed) => {
        let wall = 1_700_000_000_000;
        const devices: TestDevice[] = [0, 1, 2].map((i) =>
          createTestDevice({
            vaultId: VAULT,
            seed: seed + i,
            wall: () => wall,
            skewMs: (i - 1) * 1000,
          }),
        );
        const written: Event[] = [];
        for (const action of actions) {
          wall += 1;
          const device = devices[action.device] as TestDevice;
          if (action.kind === "deliver") {
            if (written.length > 0) device.receive(written[action.pick % written.length] as Event);
            continue;
          }
          const itemId = ITEMS[action.item] as ItemId;
          if (action.kind === "set") {
            written.push(
              device.set(itemId, {
                [FIELDS[action.field] as string]: VALUES[action.value] as FieldValue,
              }),
            );
          } else if (device.view(itemId) !== undefined) {
            written.push(device.lifecycle(itemId, action.kind));
          }
        }
        for (const device of devices)
          assert.deepEqual(summarize(device.replica), referenceMerge(device.replica.events()));
      },
    ),
    { numRuns: 300 },
  );
});
