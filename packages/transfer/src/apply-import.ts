/**
 * Writes an import plan into a vault in one transaction: every item, with its older values
 * replayed as earlier writes so they show in the field's history, or nothing at all if any item is
 * refused. Duplicates are skipped, kept beside the original, or merged into it (the imported
 * values win; the replaced ones stay in the field's history; URLs and tags are united).
 */

import { err, ok, type Result } from "@keypears/base";
import type { FieldValue, ItemId } from "@keypears/sync-core";
import type { Vault, VaultError } from "@keypears/vault/core";
import type { ImportItem } from "./import-item.ts";
import type { DuplicateChoice, ImportPlan } from "./import-plan.ts";

/** The part of a vault an import writes through. */
export type ImportTarget = Pick<Vault, "add" | "edit" | "trash" | "get" | "transact">;

export interface ImportOutcome {
  readonly added: number;
  readonly merged: number;
  readonly skipped: number;
}

export interface ImportFailure {
  readonly source: string;
  readonly error: VaultError;
}

export interface ApplyOptions {
  readonly duplicates: DuplicateChoice;
  /** Called after each item; for a progress bar. */
  readonly progress?: (done: number, total: number) => void;
}

class Abort extends Error {
  constructor(readonly failure: ImportFailure) {
    super("import aborted");
  }
}

export const applyImport = (
  vault: ImportTarget,
  plan: ImportPlan,
  options: ApplyOptions,
): Result<ImportOutcome, ImportFailure> => {
  const duplicateOf = new Map(plan.duplicates.map((d) => [d.item, d]));
  const total = plan.parsed.items.length;
  try {
    return ok(
      vault.transact(() => {
        let added = 0;
        let merged = 0;
        let skipped = 0;
        plan.parsed.items.forEach((item, index) => {
          const duplicate = duplicateOf.get(item);
          if (duplicate !== undefined && options.duplicates === "skip") skipped++;
          else if (duplicate !== undefined && options.duplicates === "merge") {
            mergeInto(vault, duplicate.existing.id, item);
            merged++;
          } else {
            addItem(vault, item, duplicate === undefined);
            added++;
          }
          options.progress?.(index + 1, total);
        });
        return { added, merged, skipped };
      }),
    );
  } catch (error) {
    if (error instanceof Abort) return err(error.failure);
    throw error;
  }
};

const check = <T>(source: string, result: Result<T, VaultError>): T => {
  if (!result.ok) throw new Abort({ source, error: result.error });
  return result.value;
};

/** Adds the item as its oldest values, then writes each later version, so history reads as it happened. */
const addItem = (vault: ImportTarget, item: ImportItem, keepId: boolean): void => {
  const versions: Record<string, FieldValue>[] = [];
  for (const [name, older] of Object.entries(item.history))
    older.forEach((value, index) => {
      (versions[index] ??= {})[name] = value;
    });
  const first = Object.fromEntries(
    Object.entries({ ...item.fields, ...versions[0] }).filter(([, value]) => value !== null),
  );
  const added = check(
    item.source,
    vault.add({
      type: item.type,
      fields: first,
      ...(keepId && item.id !== undefined ? { id: item.id as ItemId } : {}),
    }),
  );
  const later = [...versions.slice(1), currentOf(item)];
  for (const version of later)
    if (Object.keys(version).length > 0) check(item.source, vault.edit(added.id, version));
  if (item.trashed) check(item.source, vault.trash(added.id));
};

/** The current values of the fields that have history (the others were written by the first add). */
const currentOf = (item: ImportItem): Record<string, FieldValue> =>
  Object.fromEntries(Object.keys(item.history).map((name) => [name, item.fields[name] ?? null]));

const mergeInto = (vault: ImportTarget, existingId: string, item: ImportItem): void => {
  const existing = check(item.source, vault.get(existingId));
  const changes: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(item.fields)) {
    if (name === "title") continue;
    const current = existing.fields.find((f) => f.name === name)?.value;
    changes[name] =
      (name === "urls" || name === "tags") && Array.isArray(current) && Array.isArray(value)
        ? [...new Set([...current, ...value])]
        : value;
  }
  check(item.source, vault.edit(existingId, changes));
};
