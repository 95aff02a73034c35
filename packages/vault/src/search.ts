/** Listing and searching the unlocked vault: filters over title, username, URLs, tags, folder and type. */

import type { Item } from "./item.ts";
import { CUSTOM_PREFIX, type ItemType, isSecretField, readCustomField } from "./item-model.ts";

export interface ListFilter {
  /** Case-insensitive text found in the title, username, a URL, a tag, the notes or a custom field that is not hidden. */
  readonly search?: string;
  /** Only items marked as favourites. */
  readonly favorite?: boolean;
  readonly tag?: string;
  readonly folder?: string;
  readonly type?: ItemType;
  /** List the trash instead of the live items. */
  readonly trash?: boolean;
  /** Only items with a conflict waiting for a decision. */
  readonly conflicts?: boolean;
  /** List the items the app keeps for itself (see `isSystemItem`) instead of the user's. */
  readonly system?: boolean;
}

/**
 * Marks an item the app keeps for itself in the vault, so it is sealed and synced like any item
 * but is not one of the user's (the sharing identity and contacts of `@keypears/share`): a hidden
 * custom field of this name. Lists, exports, health and counts leave such items out.
 */
export const SYSTEM_ITEM_FIELD = "custom:keypears-system";

/** One text per distinct filter: two filters with the same key list the same items. */
export const filterKey = (filter: ListFilter): string =>
  JSON.stringify([
    filter.search ?? "",
    filter.favorite === true,
    filter.tag?.toLowerCase() ?? null,
    filter.folder?.toLowerCase() ?? null,
    filter.type ?? null,
    filter.trash === true,
    filter.conflicts === true,
    filter.system === true,
  ]);

export const isSystemItem = (item: Item): boolean =>
  item.fields.some((field) => field.name === SYSTEM_ITEM_FIELD);

const text = (item: Item, name: string): readonly string[] => {
  const value = item.fields.find((f) => f.name === name)?.value;
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
};

export const matchesFilter = (item: Item, filter: ListFilter): boolean => {
  if (item.status !== (filter.trash === true ? "trashed" : "live")) return false;
  if (isSystemItem(item) !== (filter.system === true)) return false;
  if (filter.type !== undefined && item.type !== filter.type) return false;
  if (filter.conflicts === true && item.conflicts.length === 0) return false;
  if (filter.favorite === true && item.fields.find((f) => f.name === "favorite")?.value !== true)
    return false;
  if (filter.tag !== undefined) {
    const tag = filter.tag.toLowerCase();
    if (!text(item, "tags").some((t) => t.toLowerCase() === tag)) return false;
  }
  if (
    filter.folder !== undefined &&
    text(item, "folder")[0]?.toLowerCase() !== filter.folder.toLowerCase()
  )
    return false;
  if (filter.search !== undefined && filter.search !== "") {
    const needle = filter.search.toLowerCase();
    const haystack = [
      item.title,
      ...text(item, "username"),
      ...text(item, "urls"),
      ...text(item, "tags"),
      ...text(item, "notes"),
      ...item.fields
        .filter((f) => f.name.startsWith(CUSTOM_PREFIX) && !isSecretField(f.name, f.value))
        .map((f) => readCustomField(f.name, f.value)?.value ?? ""),
    ];
    if (!haystack.some((value) => value.toLowerCase().includes(needle))) return false;
  }
  return true;
};

/** One collator for every sort: `localeCompare` with options builds one per comparison. */
const byTitle = new Intl.Collator("en", { sensitivity: "base" });

/** The list's order: by title (case and accents aside), then by id. */
export const compareItems = (
  a: { readonly title: string; readonly id: string },
  b: { readonly title: string; readonly id: string },
): number => byTitle.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const sortItems = (items: readonly Item[]): Item[] => [...items].sort(compareItems);
