/**
 * Adding many items in one transaction (an import): each item's first version, its later versions
 * and its move to the trash are each their own sealed, signed event, exactly as `add`, `edit` and
 * `trash` would write them one by one; what is done once per batch instead of once per change is
 * the savepoint, the cache check, the verified checkpoint's read and the device clock's write, and
 * each item's sealed merge state and view are written once, after its last change.
 */

import { err, ok, type Result } from "@keypears/base";
import {
  applyToItem,
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

  return (inputs) => {
    ctx.assertUnlocked();
    const checked = check(inputs);
    if (!checked.ok) return checked;
    const committed = store.transaction((): Result<readonly Item[], VaultError> => {
      const checkpoint = ctx.verifiedCheckpoint();
      const added: Item[] = [];
      // Each item is committed as soon as it is built, so its events die young (cheap to collect).
      let entries: EventToCommit[] = [];
      /** Seals, signs and applies one change; refused if no server would take it. */
      const write = (state: ItemState, op: EventOp): VaultError | undefined => {
        const event: Event = {
          id: ctx.ids.eventId(),
          vaultId: ctx.account.vaultId,
          itemId: state.itemId,
          hlc: ctx.clock.tick(),
          op,
          checkpoint,
        };
        const payload = trust.sealItemEvent(event);
        if (payload.length > maxEventBytes)
          return { kind: "too-large", bytes: payload.length, limit: maxEventBytes };
        applyToItem(state, event);
        entries.push({ event, payload, origin: "local", enqueue: !ctx.localOnly });
        return undefined;
      };
      for (const item of checked.value) {
        const state = createItemState(item.itemId);
        entries = [];
        const refused =
          write(state, setFieldsOp(undefined, item.fields)) ??
          writeLater(state, item.later, write) ??
          (item.trashed ? write(state, lifecycleOp(viewItem(state), "delete")) : undefined);
        if (refused !== undefined) return err(refused);
        const written = store.commitEvents(entries, new Map([[item.itemId, state]]), {
          keepStates: false,
        });
        added.push(written.get(item.itemId) as Item);
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
  write: (state: ItemState, op: EventOp) => VaultError | undefined,
): VaultError | undefined => {
  for (const change of later) {
    const view = viewItem(state);
    const effective = effectiveChanges(view, change);
    if (effective === undefined) continue;
    const refused = write(state, setFieldsOp(view, effective));
    if (refused !== undefined) return refused;
  }
  return undefined;
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
