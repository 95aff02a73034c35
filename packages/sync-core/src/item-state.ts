/**
 * The merge of one item: its events in, its current fields, status, conflicts and history out.
 *
 * The view is a pure function of the *set* of events applied, so any order and any duplication
 * of delivery gives the same result on every replica (commutative, associative, idempotent).
 *
 * Rules:
 * - **Fields.** A write supersedes the writes it names in `basedOn`. The heads of a field are its
 *   writes that nothing supersedes; the current value is the head with the greatest HLC. Two or
 *   more heads holding different values are a conflict: the user is shown all of them, and a later
 *   write based on all of them resolves it. Every write stays in the field's history.
 * - **Lifecycle.** Delete (to trash), restore and purge are writes to the item's lifecycle with the
 *   same supersession rule; the winning head decides the status, and concurrent heads that
 *   disagree (delete vs restore) are a conflict.
 * - **Edit concurrent with delete.** A delete records the field heads it saw. If the winning status
 *   is trashed or purged, but some field's head was neither seen by any delete head nor written
 *   after seeing one, the item stays live and an `edit-delete` conflict is reported: a password
 *   changed on one device while another device deleted the item must not vanish into the trash
 *   unseen. Deleting again (now seeing the edit) or restoring resolves it.
 */

import { compareHlc, type Hlc } from "./hlc.ts";
import {
  canonicalOp,
  compareCodePoints,
  type Event,
  type FieldValue,
  fieldValuesEqual,
  type LifecycleKind,
} from "./event.ts";
import type { EventId, ItemId } from "./ids.ts";

export interface WriteRecord {
  readonly eventId: EventId;
  readonly field: string;
  readonly hlc: Hlc;
  readonly value: FieldValue;
  readonly basedOn: readonly EventId[];
  readonly lifecycleSeen: readonly EventId[];
}

export interface LifecycleRecord {
  readonly eventId: EventId;
  readonly hlc: Hlc;
  readonly kind: LifecycleKind;
  readonly basedOn: readonly EventId[];
  readonly seenFields: ReadonlyMap<string, readonly EventId[]>;
}

/** What the state keeps of each event applied: enough to refuse a different event under a used id. */
export interface AppliedEvent {
  readonly hlc: Hlc;
  readonly kind: "set" | LifecycleKind;
}

/**
 * The merge state of one item: every write of every field and every lifecycle change, with the
 * links between them. It holds all the item's history but not whole events, so it can be stored
 * and shipped compactly (see `item-state-codec.ts`). Mutated only through `applyToItem`.
 */
export interface ItemState {
  readonly itemId: ItemId;
  readonly applied: Map<EventId, AppliedEvent>;
  readonly fields: Map<string, FieldState>;
  readonly lifecycle: Map<EventId, LifecycleRecord>;
  readonly lifecycleSuperseded: Set<EventId>;
}

export interface FieldState {
  readonly writes: Map<EventId, WriteRecord>;
  /** Every id some write of this field named in `basedOn`, known or not yet arrived. */
  readonly superseded: Set<EventId>;
}

export type ApplyOutcome = "applied" | "duplicate" | "id-conflict";

/**
 * An empty collection shared by many states, and so unchangeable: its mutators throw (they are
 * not enumerable, so it still compares equal to any empty collection).
 */
const sharedEmpty = <T extends Map<EventId, unknown> | Set<EventId>>(collection: T): T => {
  const refuse = {
    enumerable: false,
    value: (): never => {
      throw new Error("a shared empty collection of an item state cannot change");
    },
  };
  Object.defineProperties(collection, { set: refuse, add: refuse, delete: refuse, clear: refuse });
  return Object.freeze(collection);
};
const noLifecycle: Map<EventId, LifecycleRecord> = sharedEmpty(new Map());
const noneSuperseded: Set<EventId> = sharedEmpty(new Set());

// Most items are never deleted and many fields are written once: they share these empty
// collections until `addLifecycle` or `addWrite` needs their own. A map or set takes some 200
// bytes even empty; sharing saves 15% of a replica's memory in the merge benchmark.
export const createItemState = (itemId: ItemId): ItemState => ({
  itemId,
  applied: new Map(),
  fields: new Map(),
  lifecycle: noLifecycle,
  lifecycleSuperseded: noneSuperseded,
});

const sameIds = (a: readonly EventId[], b: readonly EventId[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** Is `event` exactly what the state already holds under its id (a second delivery)? */
const matchesApplied = (state: ItemState, event: Event, applied: AppliedEvent): boolean => {
  if (applied.kind !== event.op.kind || compareHlc(applied.hlc, event.hlc) !== 0) return false;
  const op = canonicalOp(event.op);
  if (op.kind === "set") {
    let count = 0;
    for (const field of state.fields.values()) if (field.writes.has(event.id)) count++;
    return (
      count === op.fields.length &&
      op.fields.every((write) => {
        const record = state.fields.get(write.name)?.writes.get(event.id);
        return (
          record !== undefined &&
          fieldValuesEqual(record.value, write.value) &&
          sameIds(record.basedOn, write.basedOn) &&
          sameIds(record.lifecycleSeen, op.lifecycleSeen)
        );
      })
    );
  }
  const record = state.lifecycle.get(event.id);
  return (
    record !== undefined &&
    sameIds(record.basedOn, op.basedOn) &&
    record.seenFields.size === op.seenFields.length &&
    op.seenFields.every((f) => sameIds(record.seenFields.get(f.name) ?? [], f.heads))
  );
};

/**
 * Applies one event. A second delivery of the same event is a no-op (`duplicate`); a different
 * event under an id already used is refused (`id-conflict`) and changes nothing.
 */
export const applyToItem = (state: ItemState, event: Event): ApplyOutcome => {
  if (event.itemId !== state.itemId) {
    throw new Error(`event ${event.id} is for item ${event.itemId}, not ${state.itemId}`);
  }
  const existing = state.applied.get(event.id);
  if (existing !== undefined)
    return matchesApplied(state, event, existing) ? "duplicate" : "id-conflict";
  const op = canonicalOp(event.op);
  state.applied.set(event.id, { hlc: event.hlc, kind: op.kind });
  if (op.kind === "set") {
    for (const write of op.fields) {
      addWrite(state, {
        eventId: event.id,
        field: write.name,
        hlc: event.hlc,
        value: write.value,
        basedOn: write.basedOn,
        lifecycleSeen: op.lifecycleSeen,
      });
    }
  } else {
    addLifecycle(state, {
      eventId: event.id,
      hlc: event.hlc,
      kind: op.kind,
      basedOn: op.basedOn,
      seenFields: new Map(op.seenFields.map((f) => [f.name, f.heads])),
    });
  }
  return "applied";
};

/** Adds one field write (used by `applyToItem` and when decoding a stored state). */
export const addWrite = (state: ItemState, write: WriteRecord): void => {
  let field = state.fields.get(write.field);
  if (field === undefined) {
    field = { writes: new Map(), superseded: noneSuperseded };
    state.fields.set(write.field, field);
  }
  field.writes.set(write.eventId, write);
  if (write.basedOn.length === 0) return;
  if (field.superseded === noneSuperseded)
    (field as { superseded: Set<EventId> }).superseded = new Set();
  for (const id of write.basedOn) field.superseded.add(id);
};

export const addLifecycle = (state: ItemState, record: LifecycleRecord): void => {
  if (state.lifecycle === noLifecycle) {
    const own = state as { lifecycle: ItemState["lifecycle"]; lifecycleSuperseded: Set<EventId> };
    own.lifecycle = new Map();
    own.lifecycleSuperseded = new Set();
  }
  state.lifecycle.set(record.eventId, record);
  for (const id of record.basedOn) state.lifecycleSuperseded.add(id);
};

/**
 * Takes one event out of the state, as if it had never been applied: for a local change that no
 * other device will ever see (the server refused it for good and the user dropped it). The state
 * becomes exactly the one the other events make, so this device converges with the others. Writes
 * made later that name the event in `basedOn` still supersede it (an id never delivered, as other
 * devices see it). Returns false when the state does not hold the event.
 */
export const forgetEvent = (state: ItemState, eventId: EventId): boolean => {
  if (!state.applied.delete(eventId)) return false;
  for (const [name, field] of state.fields) {
    if (!field.writes.delete(eventId)) continue;
    if (field.writes.size === 0) {
      state.fields.delete(name);
      continue;
    }
    const superseded = new Set<EventId>();
    for (const write of field.writes.values()) for (const id of write.basedOn) superseded.add(id);
    (field as { superseded: Set<EventId> }).superseded =
      superseded.size === 0 ? noneSuperseded : superseded;
  }
  if (state.lifecycle.has(eventId)) {
    state.lifecycle.delete(eventId); // never the shared empty map, which holds nothing
    state.lifecycleSuperseded.clear();
    for (const record of state.lifecycle.values())
      for (const id of record.basedOn) state.lifecycleSuperseded.add(id);
  }
  return true;
};

/** Newest first by HLC, then by event id, so every replica lists candidates in the same order. */
const newestFirst = (
  a: { hlc: Hlc; eventId: EventId },
  b: { hlc: Hlc; eventId: EventId },
): number =>
  compareHlc(b.hlc, a.hlc) || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0);

export interface FieldView {
  readonly name: string;
  /** The winning head's value. */
  readonly value: FieldValue;
  /** The winning write. */
  readonly current: WriteRecord;
  /** Every write nothing supersedes, winner first. More than one distinct value is a conflict. */
  readonly heads: readonly WriteRecord[];
  readonly conflict: boolean;
}

export type ItemStatus = "live" | "trashed" | "purged";

export type Conflict =
  | {
      readonly kind: "field";
      readonly itemId: ItemId;
      readonly field: string;
      readonly candidates: readonly WriteRecord[];
    }
  | {
      readonly kind: "lifecycle";
      readonly itemId: ItemId;
      readonly candidates: readonly LifecycleRecord[];
    }
  | {
      readonly kind: "edit-delete";
      readonly itemId: ItemId;
      readonly deletes: readonly LifecycleRecord[];
      readonly edits: readonly WriteRecord[];
    };

export interface ItemView {
  readonly itemId: ItemId;
  readonly status: ItemStatus;
  /** Fields by name, in code point order of their names. */
  readonly fields: ReadonlyMap<string, FieldView>;
  readonly conflicts: readonly Conflict[];
  /** The lifecycle events nothing supersedes, newest first (what a new delete or restore is based on). */
  readonly lifecycleHeads: readonly LifecycleRecord[];
  readonly created: Hlc;
  readonly updated: Hlc;
}

const fieldHeads = (field: FieldState): WriteRecord[] => {
  const heads: WriteRecord[] = [];
  for (const write of field.writes.values())
    if (!field.superseded.has(write.eventId)) heads.push(write);
  return heads.sort(newestFirst);
};

const hasDistinctValues = (writes: readonly WriteRecord[]): boolean =>
  writes.some((w) => !fieldValuesEqual(w.value, (writes[0] as WriteRecord).value));

/** The ids reachable from `start` by following `parents`, `start` included. */
const ancestry = (
  start: Iterable<EventId>,
  parents: (id: EventId) => readonly EventId[] | undefined,
): Set<EventId> => {
  const seen = new Set<EventId>();
  const stack = [...start];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const parent of parents(id) ?? []) stack.push(parent);
  }
  return seen;
};

const statusOf = (kind: LifecycleKind): ItemStatus =>
  kind === "delete" ? "trashed" : kind === "purge" ? "purged" : "live";

export const viewItem = (state: ItemState): ItemView => {
  const conflicts: Conflict[] = [];
  const fields = new Map<string, FieldView>();
  const names = [...state.fields.keys()].sort(compareCodePoints);
  for (const name of names) {
    const field = state.fields.get(name) as FieldState;
    const heads = fieldHeads(field);
    const current = heads[0];
    if (current === undefined) continue; // only possible with a cycle of basedOn, which honest writers cannot make
    const conflict = hasDistinctValues(heads);
    if (conflict)
      conflicts.push({ kind: "field", itemId: state.itemId, field: name, candidates: heads });
    fields.set(name, { name, value: current.value, current, heads, conflict });
  }

  const lifecycleHeads = [...state.lifecycle.values()]
    .filter((record) => !state.lifecycleSuperseded.has(record.eventId))
    .sort(newestFirst);
  let status: ItemStatus =
    lifecycleHeads[0] === undefined ? "live" : statusOf(lifecycleHeads[0].kind);
  if (new Set(lifecycleHeads.map((h) => statusOf(h.kind))).size > 1) {
    conflicts.push({ kind: "lifecycle", itemId: state.itemId, candidates: lifecycleHeads });
  }
  if (status !== "live") {
    const deletes = lifecycleHeads.filter((h) => h.kind !== "restore");
    const unseenEdits = editsUnseenByDeletes(state, deletes, fields);
    if (unseenEdits.length > 0) {
      status = "live";
      conflicts.push({ kind: "edit-delete", itemId: state.itemId, deletes, edits: unseenEdits });
    }
  }

  let created: Hlc | undefined;
  let updated: Hlc | undefined;
  for (const event of state.applied.values()) {
    if (created === undefined || compareHlc(event.hlc, created) < 0) created = event.hlc;
    if (updated === undefined || compareHlc(event.hlc, updated) > 0) updated = event.hlc;
  }
  if (created === undefined || updated === undefined)
    throw new Error(`item ${state.itemId} has no events`);
  return { itemId: state.itemId, status, fields, conflicts, lifecycleHeads, created, updated };
};

/** The field heads that no delete head saw, and that were not written after seeing one. */
const editsUnseenByDeletes = (
  state: ItemState,
  deletes: readonly LifecycleRecord[],
  fields: ReadonlyMap<string, FieldView>,
): WriteRecord[] => {
  const lifecycleParents = (id: EventId) => state.lifecycle.get(id)?.basedOn;
  const unseen: WriteRecord[] = [];
  for (const view of fields.values()) {
    const field = state.fields.get(view.name) as FieldState;
    const fieldParents = (id: EventId) => field.writes.get(id)?.basedOn;
    for (const head of view.heads) {
      const seenByADelete = deletes.some((d) =>
        ancestry(d.seenFields.get(view.name) ?? [], fieldParents).has(head.eventId),
      );
      if (seenByADelete) continue;
      const lifecycleSeen = ancestry(head.lifecycleSeen, lifecycleParents);
      if (!deletes.some((d) => lifecycleSeen.has(d.eventId))) unseen.push(head);
    }
  }
  return unseen;
};

/** Every write a field has had, oldest first, each marked whether it is a head or the current value. */
export interface HistoryEntry extends WriteRecord {
  readonly isHead: boolean;
  readonly isCurrent: boolean;
}

export const fieldHistory = (state: ItemState, name: string): readonly HistoryEntry[] => {
  const field = state.fields.get(name);
  if (field === undefined) return [];
  const current = fieldHeads(field)[0];
  return [...field.writes.values()]
    .sort((a, b) => -newestFirst(a, b))
    .map((write) => ({
      ...write,
      isHead: !field.superseded.has(write.eventId),
      isCurrent: write.eventId === current?.eventId,
    }));
};

/** The lifecycle changes of an item, oldest first. */
export const lifecycleHistory = (state: ItemState): readonly LifecycleRecord[] =>
  [...state.lifecycle.values()].sort((a, b) => -newestFirst(a, b));
