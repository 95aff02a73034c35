/**
 * The item as the app shows it: current values, status, conflicts and when and where it changed,
 * derived from the merged state of its events. This is what the `items` table stores, sealed.
 */

import {
  compareCodePoints,
  type DeviceId,
  type EventId,
  type FieldValue,
  type Hlc,
  type ItemId,
  type ItemStatus,
  type ItemView,
  type LifecycleKind,
  type WriteRecord,
} from "@keypears/sync-core";
import { FIELDS_BY_TYPE, isItemType, isSecretField, type ItemType } from "./item-model.ts";

/** When and on which device something was written (the writer's clock). */
export interface Stamp {
  readonly at: number;
  readonly device: DeviceId;
}

export interface Candidate extends Stamp {
  readonly eventId: EventId;
  readonly value: FieldValue;
}

export interface ItemField {
  readonly name: string;
  readonly value: FieldValue;
  /** The write that holds the current value. */
  readonly eventId: EventId;
  readonly secret: boolean;
  readonly updated: Stamp;
  /** The concurrent values, current first, when the field is in conflict. */
  readonly conflict: readonly Candidate[] | null;
}

export type ItemConflict =
  | { readonly kind: "field"; readonly field: string; readonly candidates: readonly Candidate[] }
  | {
      readonly kind: "lifecycle";
      readonly candidates: readonly (Stamp & {
        readonly eventId: EventId;
        readonly action: LifecycleKind;
      })[];
    }
  | {
      readonly kind: "edit-delete";
      readonly deleted: readonly Stamp[];
      readonly fields: readonly string[];
    };

export interface Item {
  readonly id: ItemId;
  readonly type: ItemType;
  readonly title: string;
  readonly status: ItemStatus;
  /** Fields with a value: the type's usual fields first, in their order, then the rest by name. */
  readonly fields: readonly ItemField[];
  readonly conflicts: readonly ItemConflict[];
  readonly created: Stamp;
  readonly updated: Stamp;
}

const stamp = (hlc: Hlc): Stamp => ({ at: hlc.millis, device: hlc.node });
const candidate = (write: WriteRecord): Candidate => ({
  ...stamp(write.hlc),
  eventId: write.eventId,
  value: write.value,
});

export const itemFromView = (view: ItemView): Item => {
  const typeValue = view.fields.get("type")?.value;
  const type: ItemType = isItemType(typeValue) ? typeValue : "login";
  const titleValue = view.fields.get("title")?.value;
  const order = FIELDS_BY_TYPE[type];
  const rank = (name: string) => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  const fields = [...view.fields.values()]
    .filter((field) => field.value !== null && field.name !== "type")
    .sort((a, b) => rank(a.name) - rank(b.name) || compareCodePoints(a.name, b.name))
    .map((field) => ({
      name: field.name,
      value: field.value,
      eventId: field.current.eventId,
      secret: isSecretField(field.name, field.value),
      updated: stamp(field.current.hlc),
      conflict: field.conflict ? field.heads.map(candidate) : null,
    }));
  const conflicts = view.conflicts.map((conflict): ItemConflict => {
    switch (conflict.kind) {
      case "field":
        return {
          kind: "field",
          field: conflict.field,
          candidates: conflict.candidates.map(candidate),
        };
      case "lifecycle":
        return {
          kind: "lifecycle",
          candidates: conflict.candidates.map((c) => ({
            ...stamp(c.hlc),
            eventId: c.eventId,
            action: c.kind,
          })),
        };
      case "edit-delete":
        return {
          kind: "edit-delete",
          deleted: conflict.deletes.map((d) => stamp(d.hlc)),
          fields: [...new Set(conflict.edits.map((e) => e.field))],
        };
    }
  });
  return {
    id: view.itemId,
    type,
    title: typeof titleValue === "string" ? titleValue : "(untitled)",
    status: view.status,
    fields,
    conflicts,
    created: stamp(view.created),
    updated: stamp(view.updated),
  };
};

export const fieldValue = (item: Item, name: string): FieldValue | undefined =>
  item.fields.find((field) => field.name === name)?.value;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Views hold only text, numbers, flags and lists, so JSON (fast in every engine) carries them exactly. */
export const encodeItem = (item: Item): Uint8Array => encoder.encode(JSON.stringify(item));

export const decodeItem = (bytes: Uint8Array): Item => JSON.parse(decoder.decode(bytes)) as Item;
