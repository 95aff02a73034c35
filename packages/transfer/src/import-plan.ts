/**
 * What an import would do, before it does it: counts by type, what had to be mapped, rows that
 * cannot be imported, and likely duplicates of items already in the vault (the same item id, or
 * the same site host and username), each to be skipped, kept beside the original, or merged into
 * it, as the user chooses.
 */

import type { Item, ItemType } from "@keypears/vault/core";
import type { ImportItem, ParsedImport } from "./import-item.ts";
import { hostOf } from "./item-builder.ts";

export const DUPLICATE_CHOICES = ["skip", "keep-both", "merge"] as const;
export type DuplicateChoice = (typeof DUPLICATE_CHOICES)[number];

export interface Duplicate {
  readonly item: ImportItem;
  readonly existing: { readonly id: string; readonly title: string };
  readonly reason: "same id" | "same site and username";
}

export interface ImportPlan {
  readonly parsed: ParsedImport;
  readonly countsByType: Readonly<Partial<Record<ItemType, number>>>;
  readonly duplicates: readonly Duplicate[];
}

const siteKeys = (urls: unknown, username: unknown): string[] => {
  if (!Array.isArray(urls) || typeof username !== "string" || username.trim() === "") return [];
  const user = username.trim().toLowerCase();
  return urls.flatMap((url) => {
    const host = typeof url === "string" ? hostOf(url) : undefined;
    return host === undefined ? [] : [`${host}\u0000${user}`];
  });
};

const fieldOf = (item: Item, name: string) => item.fields.find((f) => f.name === name)?.value;

export const planImport = (parsed: ParsedImport, existing: readonly Item[]): ImportPlan => {
  const byId = new Map(existing.map((item) => [item.id as string, item]));
  const bySite = new Map<string, Item>();
  for (const item of existing)
    if (item.status === "live")
      for (const key of siteKeys(fieldOf(item, "urls"), fieldOf(item, "username")))
        if (!bySite.has(key)) bySite.set(key, item);
  const countsByType: Partial<Record<ItemType, number>> = {};
  const duplicates: Duplicate[] = [];
  for (const item of parsed.items) {
    countsByType[item.type] = (countsByType[item.type] ?? 0) + 1;
    const sameId = item.id === undefined ? undefined : byId.get(item.id);
    if (sameId !== undefined) {
      duplicates.push({
        item,
        existing: { id: sameId.id, title: sameId.title },
        reason: "same id",
      });
      continue;
    }
    // Parsing each URL is most of the plan's time: none is parsed when no item could match.
    const sameSite =
      bySite.size === 0
        ? undefined
        : siteKeys(item.fields["urls"], item.fields["username"])
            .map((key) => bySite.get(key))
            .find((found) => found !== undefined);
    if (sameSite !== undefined)
      duplicates.push({
        item,
        existing: { id: sameSite.id, title: sameSite.title },
        reason: "same site and username",
      });
  }
  return { parsed, countsByType, duplicates };
};
