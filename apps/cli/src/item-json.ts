/**
 * The `--json` shapes of items. Keys are stable; secret values are `null` with `concealed: true`
 * unless the user asked for them (`--reveal`).
 */

import type { FieldValue } from "@keypears/sync-core";
import { fieldValue, type Item, type ItemField } from "@keypears/vault";
import { displayFieldName, isCustomFieldName, readableValue } from "./fields.ts";
import { isoTime } from "./format.ts";

export interface FieldJson {
  readonly name: string;
  readonly value: FieldValue;
  readonly secret: boolean;
  readonly concealed: boolean;
  readonly custom: boolean;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly conflict: boolean;
}

export interface ItemJson {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly status: string;
  /** Every field with a value except `title`, in display order. */
  readonly fields: readonly FieldJson[];
  /** How many conflicts wait for a decision (`keypears conflicts` shows them). */
  readonly conflicts: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface ItemSummaryJson {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly status: string;
  readonly username: string | null;
  readonly urls: readonly string[];
  readonly tags: readonly string[];
  readonly folder: string | null;
  readonly conflicts: number;
  readonly updatedAt: string;
}

export const fieldJson = (field: ItemField, reveal: boolean): FieldJson => {
  const concealed = field.secret && !reveal;
  return {
    name: displayFieldName(field.name),
    value: concealed ? null : readableValue(field.name, field.value),
    secret: field.secret,
    concealed,
    custom: isCustomFieldName(field.name),
    updatedAt: isoTime(field.updated.at),
    updatedBy: field.updated.device,
    conflict: field.conflict !== null,
  };
};

export const itemJson = (item: Item, reveal = false): ItemJson => ({
  id: item.id,
  type: item.type,
  title: item.title,
  status: item.status,
  fields: item.fields.filter((f) => f.name !== "title").map((f) => fieldJson(f, reveal)),
  conflicts: item.conflicts.length,
  createdAt: isoTime(item.created.at),
  createdBy: item.created.device,
  updatedAt: isoTime(item.updated.at),
  updatedBy: item.updated.device,
});

const text = (value: FieldValue | undefined): string | null =>
  typeof value === "string" ? value : null;
const list = (value: FieldValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** What `list --json` prints per item: never a secret. */
export const itemSummaryJson = (item: Item): ItemSummaryJson => ({
  id: item.id,
  type: item.type,
  title: item.title,
  status: item.status,
  username: text(fieldValue(item, "username")),
  urls: list(fieldValue(item, "urls")),
  tags: list(fieldValue(item, "tags")),
  folder: text(fieldValue(item, "folder")),
  conflicts: item.conflicts.length,
  updatedAt: isoTime(item.updated.at),
});
