/**
 * Events: the immutable unit of change. One event belongs to one vault and changes one item: it sets
 * one or more fields, or deletes, restores or purges the item. Every write names the writes it was
 * based on, so concurrency is known exactly instead of being guessed from clocks.
 */

import type { Checkpoint } from "./hash-chain.ts";
import type { Hlc } from "./hlc.ts";
import type { EventId, ItemId, VaultId } from "./ids.ts";

/** What a field can hold: text, a flag, an integer, or a list of those (URLs, tags). */
export type FieldValue = null | boolean | number | string | readonly FieldValue[];

export interface FieldWrite {
  readonly name: string;
  readonly value: FieldValue;
  /** The writes of this field the writer saw as current (the heads); this write supersedes them. */
  readonly basedOn: readonly EventId[];
}

export interface SetFields {
  readonly kind: "set";
  /** At least one write, one per field name. */
  readonly fields: readonly FieldWrite[];
  /** The lifecycle events (delete, restore, purge) the writer had seen as current. */
  readonly lifecycleSeen: readonly EventId[];
}

export type LifecycleKind = "delete" | "restore" | "purge";

export interface FieldHeads {
  readonly name: string;
  readonly heads: readonly EventId[];
}

export interface LifecycleChange {
  readonly kind: LifecycleKind;
  /** The lifecycle events the writer saw as current; this change supersedes them. */
  readonly basedOn: readonly EventId[];
  /** The current writes of each field when the change was made, so edits it never saw are known. */
  readonly seenFields: readonly FieldHeads[];
}

export type EventOp = SetFields | LifecycleChange;

export interface Event {
  readonly id: EventId;
  readonly vaultId: VaultId;
  readonly itemId: ItemId;
  readonly hlc: Hlc;
  readonly op: EventOp;
  /**
   * The author's last verified chain checkpoint when it wrote the event. It travels inside the
   * ciphertext, so other devices can check that the server showed them the same history (forks).
   */
  readonly checkpoint: Checkpoint | null;
}

/** Orders strings by Unicode code point (the order of their UTF-8 bytes), the same on every platform. */
export const compareCodePoints = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above every other BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
};

const sortedUnique = (ids: readonly EventId[]): readonly EventId[] =>
  [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Puts an operation in its one canonical form: lists sorted, ids de-duplicated. */
export const normalizeOp = (op: EventOp): EventOp =>
  op.kind === "set"
    ? {
        kind: "set",
        lifecycleSeen: sortedUnique(op.lifecycleSeen),
        fields: [...op.fields]
          .map((field) => ({
            name: field.name,
            value: field.value,
            basedOn: sortedUnique(field.basedOn),
          }))
          .sort((a, b) => compareCodePoints(a.name, b.name)),
      }
    : {
        kind: op.kind,
        basedOn: sortedUnique(op.basedOn),
        seenFields: [...op.seenFields]
          .map((field) => ({ name: field.name, heads: sortedUnique(field.heads) }))
          .sort((a, b) => compareCodePoints(a.name, b.name)),
      };

const isSortedUnique = (ids: readonly EventId[]): boolean => {
  for (let i = 1; i < ids.length; i++)
    if (!((ids[i - 1] as EventId) < (ids[i] as EventId))) return false;
  return true;
};

const namesIncrease = (entries: readonly { readonly name: string }[]): boolean => {
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1] as { readonly name: string };
    if (compareCodePoints(previous.name, (entries[i] as { readonly name: string }).name) >= 0)
      return false;
  }
  return true;
};

/** Is `op` already what `normalizeOp` would make of it (as every decoded event is)? */
export const isNormalizedOp = (op: EventOp): boolean =>
  op.kind === "set"
    ? isSortedUnique(op.lifecycleSeen) &&
      namesIncrease(op.fields) &&
      op.fields.every((field) => isSortedUnique(field.basedOn))
    : isSortedUnique(op.basedOn) &&
      namesIncrease(op.seenFields) &&
      op.seenFields.every((field) => isSortedUnique(field.heads));

/**
 * `normalizeOp`, but `op` itself when it is already canonical: the merge then keeps the event's own
 * lists instead of a copy of each (events are immutable, so sharing them is safe).
 */
export const canonicalOp = (op: EventOp): EventOp => (isNormalizedOp(op) ? op : normalizeOp(op));

/** Field names are non-empty text of at most this many UTF-16 units. */
export const MAX_FIELD_NAME_LENGTH = 256;
/** Lists may nest this deep; deeper is refused so hostile input cannot exhaust the stack. */
export const MAX_VALUE_DEPTH = 8;

export const isFieldValue = (value: unknown, depth = 0): value is FieldValue => {
  if (value === null || typeof value === "boolean" || typeof value === "string") return true;
  if (typeof value === "number") return Number.isSafeInteger(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    return depth < MAX_VALUE_DEPTH && value.every((v: unknown) => isFieldValue(v, depth + 1));
  }
  return false;
};

export const fieldValuesEqual = (a: FieldValue, b: FieldValue): boolean => {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (!fieldValuesEqual(a[i] as FieldValue, b[i] as FieldValue)) return false;
  return true;
};
