/**
 * A reference model of the merge, for tests only: the rules of ARCHITECTURE.md's "Merge in one
 * paragraph" (and the rule list atop `item-state.ts`) written again as directly as possible, so a
 * property test can hold the real merge to them. Replicas that all apply a rule the same wrong way
 * still converge; they do not agree with this model.
 *
 * It is deliberately simple and slow: no indexes, no caches, no shared state, every relation
 * recomputed from the list of events by plain loops and fixed points. Do not optimize it; its
 * worth is that it can be read against the rules line by line.
 *
 * The rules, as modelled:
 * 1. The input is a set of events: duplicates (same id) count once, order does not matter.
 * 2. Each field is a register of writes. A write supersedes the writes of that field it names in
 *    `basedOn`. The heads are the writes nothing supersedes, newest first.
 * 3. Newest means the greatest HLC (milliseconds, then counter, then node); equal HLCs are
 *    ordered by event id, the greater first. The value is the newest head's.
 * 4. Two heads with different values are a conflict (a write based on both resolves it).
 * 5. Delete, restore and purge are writes to the item's lifecycle with the same rule: the newest
 *    lifecycle head decides the status (none: live); heads that disagree on the status are a
 *    lifecycle conflict.
 * 6. If the status is trashed or purged, a field head that no deleting head (delete or purge)
 *    saw, and that was not written after seeing one, keeps the item live and is reported with
 *    those deleting heads as an `edit-delete` conflict. A delete saw a write if the write is among,
 *    or an ancestor (through `basedOn`) of, the heads it recorded for that field; a write was made
 *    after a delete if the delete is among, or an ancestor of, the lifecycle events it had seen.
 * 7. History: every write of a field, oldest first, marked head or not and current or not.
 */

import type { Event, FieldValue, LifecycleKind } from "../event.ts";
import type { Hlc } from "../hlc.ts";
import type { EventId, ItemId } from "../ids.ts";
import { fieldHistory } from "../item-state.ts";
import type { Replica } from "../replica.ts";

export interface ModelField {
  readonly name: string;
  readonly value: FieldValue;
  readonly conflict: boolean;
  /** Head event ids, newest first. */
  readonly heads: readonly EventId[];
  /** Every write, oldest first: [event id, value, is a head, is the current value]. */
  readonly history: readonly (readonly [EventId, FieldValue, boolean, boolean])[];
}

export type ModelConflict =
  | readonly ["field", string, readonly EventId[]]
  | readonly ["lifecycle", readonly EventId[]]
  | readonly ["edit-delete", readonly EventId[], readonly EventId[]];

export interface ModelItem {
  readonly itemId: ItemId;
  readonly status: "live" | "trashed" | "purged";
  /** Fields by name in code point order. */
  readonly fields: readonly ModelField[];
  /** Field conflicts (by field name), then a lifecycle conflict, then an edit-delete conflict. */
  readonly conflicts: readonly ModelConflict[];
  readonly lifecycleHeads: readonly EventId[];
  readonly created: Hlc;
  readonly updated: Hlc;
}

/** The real merge's view of a replica, in the model's terms. */
export const summarizeReplica = (replica: Replica): ModelItem[] =>
  [...replica.items()]
    .sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
    .map((view) => {
      const state = replica.itemState(view.itemId);
      if (state === undefined) throw new Error(`no state for item ${view.itemId}`);
      return {
        itemId: view.itemId,
        status: view.status,
        fields: [...view.fields.values()].map((field) => ({
          name: field.name,
          value: field.value,
          conflict: field.conflict,
          heads: field.heads.map((h) => h.eventId),
          history: fieldHistory(state, field.name).map(
            (h) => [h.eventId, h.value, h.isHead, h.isCurrent] as const,
          ),
        })),
        conflicts: view.conflicts.map((c) =>
          c.kind === "field"
            ? (["field", c.field, c.candidates.map((w) => w.eventId)] as const)
            : c.kind === "lifecycle"
              ? (["lifecycle", c.candidates.map((l) => l.eventId)] as const)
              : ([
                  "edit-delete",
                  c.deletes.map((d) => d.eventId),
                  c.edits.map((e) => e.eventId),
                ] as const),
        ),
        lifecycleHeads: view.lifecycleHeads.map((h) => h.eventId),
        created: view.created,
        updated: view.updated,
      };
    });

/** One write of one field, as rule 2 sees it. */
interface Write {
  readonly id: EventId;
  readonly hlc: Hlc;
  readonly field: string;
  readonly value: FieldValue;
  readonly basedOn: readonly EventId[];
  readonly lifecycleSeen: readonly EventId[];
}

interface Change {
  readonly id: EventId;
  readonly hlc: Hlc;
  readonly kind: LifecycleKind;
  readonly basedOn: readonly EventId[];
  readonly seenFields: readonly { readonly name: string; readonly heads: readonly EventId[] }[];
}

/** Every item the events touch, merged by the rules above, in item id order. */
export const referenceMerge = (events: readonly Event[]): ModelItem[] => {
  const unique: Event[] = [];
  for (const event of events) if (!unique.some((e) => e.id === event.id)) unique.push(event);
  const itemIds = [...new Set(unique.map((e) => e.itemId))].sort(byCodePoints);
  return itemIds.map((itemId) =>
    mergeItem(
      itemId,
      unique.filter((e) => e.itemId === itemId),
    ),
  );
};

const mergeItem = (itemId: ItemId, events: readonly Event[]): ModelItem => {
  const writes: Write[] = [];
  const changes: Change[] = [];
  for (const event of events) {
    if (event.op.kind === "set") {
      for (const write of event.op.fields) {
        writes.push({
          id: event.id,
          hlc: event.hlc,
          field: write.name,
          value: write.value,
          basedOn: write.basedOn,
          lifecycleSeen: event.op.lifecycleSeen,
        });
      }
    } else {
      changes.push({
        id: event.id,
        hlc: event.hlc,
        kind: event.op.kind,
        basedOn: event.op.basedOn,
        seenFields: event.op.seenFields,
      });
    }
  }

  const conflicts: ModelConflict[] = [];
  const fields: ModelField[] = [];
  const headsByField = new Map<string, Write[]>();
  const names = [...new Set(writes.map((w) => w.field))].sort(byCodePoints);
  for (const name of names) {
    const ofField = writes.filter((w) => w.field === name);
    const heads = ofField.filter((w) => !ofField.some((other) => other.basedOn.includes(w.id)));
    heads.sort(newestFirst);
    const winner = heads[0];
    if (winner === undefined) continue; // a cycle of basedOn: no honest writer makes one
    headsByField.set(name, heads);
    const conflict = heads.some((h) => !sameValue(h.value, winner.value));
    if (conflict) conflicts.push(["field", name, heads.map((h) => h.id)]);
    const history = [...ofField].sort(newestFirst).reverse();
    fields.push({
      name,
      value: winner.value,
      conflict,
      heads: heads.map((h) => h.id),
      history: history.map((w) => [w.id, w.value, heads.includes(w), w.id === winner.id] as const),
    });
  }

  const lifecycleHeads = changes.filter(
    (c) => !changes.some((other) => other.basedOn.includes(c.id)),
  );
  lifecycleHeads.sort(newestFirst);
  let status: ModelItem["status"] =
    lifecycleHeads[0] === undefined ? "live" : statusOf(lifecycleHeads[0].kind);
  if (new Set(lifecycleHeads.map((c) => statusOf(c.kind))).size > 1)
    conflicts.push(["lifecycle", lifecycleHeads.map((c) => c.id)]);

  if (status !== "live") {
    const deleting = lifecycleHeads.filter((c) => c.kind !== "restore");
    const unseen: Write[] = [];
    for (const name of names) {
      const ofField = writes.filter((w) => w.field === name);
      for (const head of headsByField.get(name) ?? []) {
        const sawIt = deleting.some((d) =>
          closure(
            d.seenFields.filter((f) => f.name === name).flatMap((f) => f.heads),
            (id) => ofField.filter((w) => w.id === id).flatMap((w) => w.basedOn),
          ).has(head.id),
        );
        const madeAfter = deleting.some((d) =>
          closure(head.lifecycleSeen, (id) =>
            changes.filter((c) => c.id === id).flatMap((c) => c.basedOn),
          ).has(d.id),
        );
        if (!sawIt && !madeAfter) unseen.push(head);
      }
    }
    if (unseen.length > 0) {
      status = "live";
      conflicts.push(["edit-delete", deleting.map((d) => d.id), unseen.map((w) => w.id)]);
    }
  }

  const clocks = events.map((e) => e.hlc).sort(compareClocks);
  return {
    itemId,
    status,
    fields,
    conflicts,
    lifecycleHeads: lifecycleHeads.map((c) => c.id),
    created: clocks[0] as Hlc,
    updated: clocks[clocks.length - 1] as Hlc,
  };
};

/** The ids `start` holds and every id reachable from them through `parents`, by repeating until nothing is added. */
const closure = (
  start: readonly EventId[],
  parents: (id: EventId) => readonly EventId[],
): Set<EventId> => {
  const reached = new Set(start);
  for (let grew = true; grew;) {
    grew = false;
    for (const id of reached) {
      for (const parent of parents(id)) {
        if (!reached.has(parent)) {
          reached.add(parent);
          grew = true;
        }
      }
    }
  }
  return reached;
};

const statusOf = (kind: LifecycleKind): ModelItem["status"] =>
  kind === "delete" ? "trashed" : kind === "purge" ? "purged" : "live";

const compareClocks = (a: Hlc, b: Hlc): number => {
  if (a.millis !== b.millis) return a.millis < b.millis ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return byCodePoints(a.node, b.node);
};

const newestFirst = (
  a: { readonly hlc: Hlc; readonly id: EventId },
  b: { readonly hlc: Hlc; readonly id: EventId },
): number => compareClocks(b.hlc, a.hlc) || byCodePoints(b.id, a.id);

/** Code point order is the order of the UTF-8 bytes. */
const byCodePoints = (a: string, b: string): number => {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
};
const utf8 = new TextEncoder();

const sameValue = (a: FieldValue, b: FieldValue): boolean =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((v, i) => sameValue(v as FieldValue, b[i] as FieldValue))
    : a === b;
