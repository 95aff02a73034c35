/**
 * Adding many items in one transaction (an import): each item's first version, its later versions
 * and its move to the trash are each their own sealed event, exactly as `add`, `edit` and `trash`
 * would write them one by one (signed, like every change, by the batch event of their push:
 * docs/PROTOCOL.md 18.4); what is done once per batch instead of once per change is the
 * savepoint, the cache check, the verified checkpoint's read and the device clock's write, and
 * each item's sealed merge state and view are written once, after its last change.
 */

import { err, ok, type Result } from "@keypears/base";
import {
  applyToItem,
  type Checkpoint,
  createItemState,
  type Event,
  type EventOp,
  type FieldValue,
  fieldValuesEqual,
  type ItemId,
  type ItemState,
  type ItemView,
  isUuid,
  lifecycleOp,
  setFieldsOp,
  viewItem,
} from "@keypears/sync-core";
import type { DeviceTrust } from "./device-trust.ts";
import type { VaultError } from "./errors.ts";
import type { Item } from "./item.ts";
import { checkField, type ItemType } from "./item-model.ts";
import type { EventToCommit } from "./item-store.ts";
import type { VaultContext } from "./vault-context.ts";

export interface NewItemInput {
  readonly type?: ItemType;
  /** Keeps an id given elsewhere (an import of a KeyPears export, a move); refused if taken. */
  readonly id?: ItemId;
  /** Field values by name; `title` is required. */
  readonly fields: Readonly<Record<string, FieldValue>>;
}

/** An item with a past, as an import adds it (`addMany`): its first version, then what came after. */
export interface NewItemWithPast extends NewItemInput {
  /**
   * Later changes, oldest first, each written after the first version as `edit` writes it (its
   * own event; values the item already has are left out, and a change left empty writes nothing),
   * so the older values show in the fields' history. `null` removes a field.
   */
  readonly later?: readonly Readonly<Record<string, FieldValue>>[];
  /** Moved to the trash after its last change, as `trash` does. */
  readonly trashed?: boolean;
}

/** Checks every field write of a change (see `checkField`); the first refusal is the error. */
export const checkFields = (
  fields: Readonly<Record<string, FieldValue>>,
): Result<Record<string, FieldValue>, VaultError> => {
  const checked: Record<string, FieldValue> = {};
  for (const name in fields) {
    const result = checkField(name, fields[name] as FieldValue);
    if (!result.ok) return result;
    checked[name] = result.value;
  }
  return ok(checked);
};

/** Items whose events are prepared and sealed together, then written. */
const CHUNK = 64;

interface PreparedItem {
  readonly state: ItemState;
  /** The item's events are `events[from]` up to (not including) `events[to]`. */
  readonly from: number;
  readonly to: number;
}

interface PreparedChunk {
  readonly events: readonly Event[];
  readonly items: readonly PreparedItem[];
  /** The sealed payload of each event, in order. */
  readonly sealed: readonly Uint8Array[];
}

interface CheckedItem {
  readonly itemId: ItemId;
  readonly fields: Record<string, FieldValue>;
  readonly later: readonly Record<string, FieldValue>[];
  readonly trashed: boolean;
}

export const createAddMany = (
  ctx: VaultContext,
  trust: DeviceTrust,
  maxEventBytes: number,
): ((inputs: readonly NewItemWithPast[]) => Result<readonly Item[], VaultError>) => {
  const { store } = ctx;

  const check = (inputs: readonly NewItemWithPast[]): Result<CheckedItem[], VaultError> => {
    const checked: CheckedItem[] = [];
    const ids = new Set<string>();
    for (const input of inputs) {
      const fields = checkFields({ type: input.type ?? "login", ...input.fields });
      if (!fields.ok) return fields;
      if (typeof fields.value["title"] !== "string")
        return err({ kind: "invalid-field", field: "title", reason: "is required" });
      if (input.id !== undefined) {
        const taken = isUuid(input.id) ? store.readItem(input.id) : undefined;
        if (taken === undefined || !taken.ok || taken.value !== undefined || ids.has(input.id))
          return err({ kind: "invalid-field", field: "id", reason: "is not a free item id" });
      }
      const later: Record<string, FieldValue>[] = [];
      for (const change of input.later ?? []) {
        const fields = checkFields(change);
        if (!fields.ok) return fields;
        later.push(fields.value);
      }
      const itemId = input.id ?? ctx.ids.itemId();
      ids.add(itemId);
      checked.push({ itemId, fields: fields.value, later, trashed: input.trashed === true });
    }
    return ok(checked);
  };

  /**
   * Builds the chunk's events (each applied to its item's new state, in order) and seals them;
   * refused if any would be larger than a server takes.
   */
  const prepare = (
    chunk: readonly CheckedItem[],
    checkpoint: Checkpoint | null,
  ): Result<PreparedChunk, VaultError> => {
    const events: Event[] = [];
    const items: PreparedItem[] = [];
    const write = (state: ItemState, op: EventOp): void => {
      const event: Event = {
        id: ctx.ids.eventId(),
        vaultId: ctx.account.vaultId,
        itemId: state.itemId,
        hlc: ctx.clock.tick(),
        op,
        checkpoint,
      };
      applyToItem(state, event);
      events.push(event);
    };
    for (const item of chunk) {
      const state = createItemState(item.itemId);
      const from = events.length;
      write(state, setFieldsOp(undefined, item.fields));
      writeLater(state, item.later, write);
      if (item.trashed) write(state, lifecycleOp(viewItem(state), "delete"));
      items.push({ state, from, to: events.length });
    }
    const sealed = trust.sealItemEvents(events);
    for (const payload of sealed) {
      if (payload.length > maxEventBytes)
        return err({ kind: "too-large", bytes: payload.length, limit: maxEventBytes });
    }
    return ok({ events, items, sealed });
  };

  /** Writes a prepared chunk, item by item: its events and its record. */
  const commit = (chunk: PreparedChunk, added: Item[]): void => {
    for (const { state, from, to } of chunk.items) {
      const entries: EventToCommit[] = [];
      for (let index = from; index < to; index++)
        entries.push({
          event: chunk.events[index] as Event,
          payload: chunk.sealed[index] as Uint8Array,
          origin: "local",
          enqueue: !ctx.localOnly,
        });
      const written = store.commitEvents(entries, new Map([[state.itemId, state]]), {
        keepStates: false,
      });
      added.push(written.get(state.itemId) as Item);
    }
  };

  return (inputs) => {
    ctx.assertUnlocked();
    const checked = check(inputs);
    if (!checked.ok) return checked;
    const committed = store.transaction((): Result<readonly Item[], VaultError> => {
      const checkpoint = ctx.verifiedCheckpoint();
      const added: Item[] = [];
      for (let at = 0; at < checked.value.length; at += CHUNK) {
        const next = prepare(checked.value.slice(at, at + CHUNK), checkpoint);
        // A refusal in a later chunk rolls back the chunks written before it.
        if (!next.ok) return next;
        commit(next.value, added);
      }
      ctx.saveClock();
      ctx.localChanges.written();
      return ok(added);
    });
    if (!ctx.db.inTransaction()) ctx.localChanges.settled(committed.ok);
    return committed;
  };
};

/** Each later change as `edit` writes it: only the values that differ from the item's. */
const writeLater = (
  state: ItemState,
  later: readonly Record<string, FieldValue>[],
  write: (state: ItemState, op: EventOp) => void,
): void => {
  for (const change of later) {
    const view = viewItem(state);
    const effective = effectiveChanges(view, change);
    if (effective !== undefined) write(state, setFieldsOp(view, effective));
  }
};

/** The values a change would really change; undefined when it changes nothing. */
const effectiveChanges = (
  view: ItemView,
  change: Readonly<Record<string, FieldValue>>,
): Record<string, FieldValue> | undefined => {
  let effective: Record<string, FieldValue> | undefined;
  for (const name in change) {
    const value = change[name] as FieldValue;
    const field = view.fields.get(name);
    const changes =
      field === undefined || field.value === null
        ? value !== null
        : field.conflict || !fieldValuesEqual(field.value, value);
    if (changes) (effective ??= {})[name] = value;
  }
  return effective;
};
