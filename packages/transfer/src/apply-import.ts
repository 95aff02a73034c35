/**
 * Writes an import plan into a vault in one transaction: every item, with its older values
 * replayed as earlier writes so they show in the field's history, or nothing at all if any item is
 * refused. Duplicates are skipped, kept beside the original, or merged into it (the imported
 * values win; the replaced ones stay in the field's history; URLs and tags are united).
 */

import { err, ok, type Result } from "@keypears/base";
import type { FieldValue, ItemId } from "@keypears/sync-core";
import type { NewItemWithPast, Vault, VaultError } from "@keypears/vault/core";
import type { ImportItem } from "./import-item.ts";
import type { DuplicateChoice, ImportPlan } from "./import-plan.ts";

/** The part of a vault an import writes through. */
export type ImportTarget = Pick<Vault, "addMany" | "edit" | "get" | "transact">;

/** Items added per `addMany` call: large enough to amortise its fixed costs, small enough for a lively progress bar. */
const BATCH = 500;

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
        let merged = 0;
        let skipped = 0;
        let done = 0;
        const step = (count: number) => {
          done += count;
          options.progress?.(done, total);
        };
        const toAdd: { readonly item: ImportItem; readonly keepId: boolean }[] = [];
        for (const item of plan.parsed.items) {
          const duplicate = duplicateOf.get(item);
          if (duplicate !== undefined && options.duplicates === "skip") {
            skipped++;
            step(1);
          } else if (duplicate !== undefined && options.duplicates === "merge") {
            mergeInto(vault, duplicate.existing.id, item);
            merged++;
            step(1);
          } else toAdd.push({ item, keepId: duplicate === undefined });
        }
        // Every item with its later versions, in batches.
        for (let at = 0; at < toAdd.length; at += BATCH) {
          const batch = toAdd.slice(at, at + BATCH);
          addBatch(vault, batch);
          step(batch.length);
        }
        const added = toAdd.length;
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

/** Older values by version, oldest first: version 0 is what the item is added as. */
const versionsOf = (item: ImportItem): Record<string, FieldValue>[] => {
  const versions: Record<string, FieldValue>[] = [];
  for (const [name, older] of Object.entries(item.history))
    older.forEach((value, index) => {
      (versions[index] ??= {})[name] = value;
    });
  return versions;
};

/**
 * The item as the vault adds it: its oldest values first, then each later version and its current
 * values (each its own event, so the older values show in the fields' history), then the trash if
 * it was there.
 */
const inputOf = (item: ImportItem, keepId: boolean): NewItemWithPast => {
  const versions = versionsOf(item);
  const first: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries({ ...item.fields, ...versions[0] }))
    if (value !== null) first[name] = value;
  const later = [...versions.slice(1), currentOf(item)].filter(
    (version) => Object.keys(version).length > 0,
  );
  return {
    type: item.type,
    fields: first,
    ...(later.length > 0 ? { later } : {}),
    ...(item.trashed ? { trashed: true } : {}),
    ...(keepId && item.id !== undefined ? { id: item.id as ItemId } : {}),
  };
};

/** Adds a batch in one call; when the vault refuses it, finds the item it refused, for the message. */
const addBatch = (
  vault: ImportTarget,
  batch: readonly { readonly item: ImportItem; readonly keepId: boolean }[],
): void => {
  const added = vault.addMany(batch.map(({ item, keepId }) => inputOf(item, keepId)));
  if (added.ok) return;
  // The whole import rolls back: adding one at a time now only names the culprit.
  for (const { item, keepId } of batch) check(item.source, vault.addMany([inputOf(item, keepId)]));
  throw new Abort({ source: batch[0]?.item.source ?? "the file", error: added.error });
};

/** The current values of the fields that have history (the others were written by the first version). */
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
