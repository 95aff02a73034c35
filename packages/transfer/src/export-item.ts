/**
 * What every export writes: each item (live and trashed) with its current fields and the older
 * values of each field, read from a vault through the two calls it needs.
 */

import type { FieldValue } from "@keypears/sync-core";
import type { Item, ItemHistory, ItemType, Vault } from "@keypears/vault/core";

export interface ExportItem {
  readonly id: string;
  readonly type: ItemType;
  readonly trashed: boolean;
  readonly created: number;
  readonly updated: number;
  /** Current values by field name (`type` excluded). */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Older values by field, oldest first, each with when it was written. */
  readonly history: Readonly<
    Record<string, readonly { readonly value: FieldValue; readonly at: number }[]>
  >;
}

/** The part of a vault an export reads. */
export type ExportSource = Pick<Vault, "list" | "history">;

export const collectExportItems = (vault: ExportSource): ExportItem[] =>
  [...vault.list(), ...vault.list({ trash: true })].map((item) => {
    const history = vault.history(item.id);
    return exportItemOf(item, history.ok ? history.value : undefined);
  });

export const exportItemOf = (item: Item, history: ItemHistory | undefined): ExportItem => {
  const older: Record<string, { value: FieldValue; at: number }[]> = {};
  for (const field of history?.fields ?? []) {
    // The type is the item's, not a field a user edits; its writes are not history worth keeping.
    if (field.name === "type") continue;
    const entries = field.entries
      .filter((entry) => !entry.current)
      .sort((a, b) => a.at - b.at)
      .map((entry) => ({ value: entry.value, at: entry.at }));
    if (entries.length > 0) older[field.name] = entries;
  }
  return {
    id: item.id,
    type: item.type,
    trashed: item.status === "trashed",
    created: item.created.at,
    updated: item.updated.at,
    fields: Object.fromEntries(item.fields.map((field) => [field.name, field.value])),
    history: older,
  };
};
