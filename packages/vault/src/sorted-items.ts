/**
 * The vault's items in list order (`compareItems`: title, then id), kept between calls so that
 * `Vault.list` does not sort every item again on each call: an agent or a worker that lists a
 * vault of 10,000 items many times pays for one collator sort, then for the items written since.
 *
 * Each call first asks the store which items were written since the last one (`changesSince`,
 * answered from its write journal, so a write a moment ago counts at once), then takes each such
 * item out of the order (found by binary search with the title it was sorted under) and puts its
 * new version in by binary search, or leaves it out when it is gone (purged, removed, or failing
 * its integrity check: those the vault reports through `problems`). An unknown answer (no cursor
 * yet, an old cursor, another connection committed) or many changes at once sort everything
 * again. Nothing is kept inside a transaction: a write there may still roll back, and the journal
 * does not tell a reader that it did.
 */

import type { ItemId } from "@keypears/sync-core";
import type { Item } from "./item.ts";
import type { ItemStore } from "./item-store.ts";
import { compareItems, sortItems } from "./search.ts";

export interface SortedItems {
  /** Every readable item that is not purged, live or trashed, in list order. Do not mutate. */
  readonly current: () => readonly Item[];
  /**
   * A number that changes whenever the list `current` returned last differs from the one it
   * returned before (items written, added or gone); `undefined` when the last list was made
   * inside a transaction, which is never kept. Lists derived from `current` can be kept as long as
   * it stays the same.
   */
  readonly generation: () => number | undefined;
}

type ItemSource = Pick<ItemStore, "changesSince" | "readItem" | "readItems">;

/** Above this share of the items changed, one sort of everything beats inserting one by one. */
const RESORT_SHARE = 1 / 8;

export const createSortedItems = (store: ItemSource, inTransaction: () => boolean): SortedItems => {
  let cursor: string | undefined;
  let sorted: Item[] | undefined;
  let generation = 0;
  let lastKept = false;
  /** The version of each item that `sorted` holds: where to find it when it changes. */
  const heldById = new Map<ItemId, Item>();

  const readable = (): Item[] => {
    const items: Item[] = [];
    for (const result of store.readItems())
      if (result.ok && result.value.status !== "purged") items.push(result.value);
    return items;
  };

  const resort = (): Item[] => {
    const items = sortItems(readable());
    heldById.clear();
    for (const item of items) heldById.set(item.id as ItemId, item);
    return items;
  };

  const update = (items: Item[], changed: readonly ItemId[]): void => {
    for (const id of changed) {
      const held = heldById.get(id);
      if (held !== undefined) {
        items.splice(positionOf(items, held), 1);
        heldById.delete(id);
      }
      const read = store.readItem(id);
      if (!read.ok || read.value === undefined || read.value.status === "purged") continue;
      items.splice(insertionPoint(items, read.value), 0, read.value);
      heldById.set(id, read.value);
    }
  };

  return {
    current: () => {
      if (inTransaction()) {
        lastKept = false;
        return sortItems(readable());
      }
      lastKept = true;
      // Asked before reading: a write between the two is reported again next time, never missed.
      const changes = store.changesSince(cursor);
      cursor = changes.cursor;
      if (
        sorted === undefined ||
        changes.items === null ||
        changes.items.length > sorted.length * RESORT_SHARE
      ) {
        sorted = resort();
        generation += 1;
      } else if (changes.items.length > 0) {
        update(sorted, changes.items);
        generation += 1;
      }
      return sorted;
    },
    generation: () => (lastKept ? generation : undefined),
  };
};

/** The first position whose item sorts after `item`. */
const insertionPoint = (items: readonly Item[], item: Item): number => {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareItems(items[middle] as Item, item) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** Where `item` (this very version, held in `items`) is: ids are unique, so the order is total. */
const positionOf = (items: readonly Item[], item: Item): number => {
  const at = insertionPoint(items, item) - 1;
  if (items[at] === item) return at;
  // Not reached while the collator answers the same for the same titles; a scan is still right.
  const scanned = items.indexOf(item);
  if (scanned < 0) throw new Error(`item ${item.id} is missing from the sorted list`);
  return scanned;
};
