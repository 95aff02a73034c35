/**
 * Building operations from what a writer sees: each write is based on the current heads of its
 * field, so it supersedes exactly those values (and resolves a conflict among them), and each
 * delete records the field heads it saw.
 */

import type { FieldValue, LifecycleChange, LifecycleKind, SetFields } from "./event.ts";
import type { ItemView } from "./item-state.ts";

/** Sets fields of an item; `current` is the writer's view of it, or undefined for a new item. */
export const setFieldsOp = (
  current: ItemView | undefined,
  values: Readonly<Record<string, FieldValue>>,
): SetFields => {
  const fields = Object.entries(values).map(([name, value]) => ({
    name,
    value,
    basedOn: current?.fields.get(name)?.heads.map((head) => head.eventId) ?? [],
  }));
  if (fields.length === 0) throw new Error("a set operation needs at least one field");
  return {
    kind: "set",
    fields,
    lifecycleSeen: current?.lifecycleHeads.map((h) => h.eventId) ?? [],
  };
};

/** Deletes (to trash), restores or purges an item, recording every field head the writer saw. */
export const lifecycleOp = (current: ItemView, kind: LifecycleKind): LifecycleChange => ({
  kind,
  basedOn: current.lifecycleHeads.map((h) => h.eventId),
  seenFields: [...current.fields.values()].map((field) => ({
    name: field.name,
    heads: field.heads.map((head) => head.eventId),
  })),
});
