/**
 * Short ids to show and type. Item ids are UUIDv7, whose first 12 hex digits are the creation
 * time in milliseconds, so items made within a minute share their first 8: a fixed 8-character
 * prefix would soon be ambiguous. Each id is shown by its shortest unique prefix among all items,
 * and never shorter than those 12 time digits (13 characters with the dash), so the id printed
 * when an item is added stays valid as more items are added. The vault accepts any unique
 * prefix wherever an <id|title> is asked for.
 */

import type { Vault } from "@keypears/vault";

const MIN = 13;

const common = (a: string, b: string) => {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
};

const prefixOf = (id: string, longestShared: number): string => {
  let length = Math.max(MIN, longestShared + 1);
  if (id[length - 1] === "-") length++;
  return id.slice(0, length);
};

export const shortIdsFor = (ids: readonly string[]): ((id: string) => string) =>
  shortIdsOfSorted([...new Set(ids)].sort());

/** Short ids among `sorted` (unique ids in code-unit order), with its index by id if known. */
const shortIdsOfSorted = (
  sorted: readonly string[],
  indexById: ReadonlyMap<string, number> = new Map(sorted.map((id, i) => [id, i])),
): ((id: string) => string) => {
  return (id) => {
    const at = indexById.get(id);
    if (at === undefined) return id;
    const before = at > 0 ? common(id, sorted[at - 1] as string) : 0;
    const after = at < sorted.length - 1 ? common(id, sorted[at + 1] as string) : 0;
    return prefixOf(id, Math.max(before, after));
  };
};

/** One id's short form among `ids`, by one pass (no sort): for a command that prints one or two. */
export const shortIdAmong = (ids: Iterable<string>, id: string): string => {
  let longest = 0;
  let found = false;
  for (const other of ids) {
    if (other === id) found = true;
    else longest = Math.max(longest, common(id, other));
  }
  return found ? prefixOf(id, longest) : id;
};

/**
 * The ids of every item, live or in the trash, and their sorted index, kept per vault: in the
 * agent, which serves many commands from one vault, they are listed and sorted once, not per
 * command. Each use first asks the vault which items were written since (`itemChanges`, answered
 * synchronously from its write journal, so an item added a moment ago counts at once): a new id
 * joins the set and, if the index is built, its sorted place (an id made on this device is
 * UUIDv7, later than every other, so it goes at the end); an unknown answer (another connection
 * committed) lists again. An id kept after its item was purged can only make another id's prefix
 * longer, never ambiguous.
 */
interface IdMemo {
  ids: Set<string> | undefined;
  sorted: string[] | undefined;
  indexById: Map<string, number> | undefined;
  cursor: string | undefined;
}
const memoByVault = new WeakMap<Vault, IdMemo>();

const currentIds = (vault: Vault): IdMemo & { ids: Set<string> } => {
  let memo = memoByVault.get(vault);
  if (memo === undefined) {
    memo = { ids: undefined, sorted: undefined, indexById: undefined, cursor: undefined };
    memoByVault.set(vault, memo);
  }
  // Asked before listing: a write between the two is reported again next time, never missed.
  const changes = vault.itemChanges(memo.cursor);
  memo.cursor = changes.cursor;
  if (memo.ids === undefined || changes.items === null) {
    memo.ids = new Set([...vault.list(), ...vault.list({ trash: true })].map((item) => item.id));
    memo.sorted = undefined;
    memo.indexById = undefined;
  } else {
    for (const id of changes.items) {
      if (memo.ids.has(id)) continue;
      memo.ids.add(id);
      if (memo.sorted !== undefined) insertSorted(memo, memo.sorted, id);
    }
  }
  return memo as IdMemo & { ids: Set<string> };
};

/** Puts a new id in its place in the kept sorted ids; the index by id follows when it can. */
const insertSorted = (memo: IdMemo, sorted: string[], id: string): void => {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < id) low = middle + 1;
    else high = middle;
  }
  sorted.splice(low, 0, id);
  // At the end (the usual case) no other id moves; elsewhere the index is built again from the
  // sorted ids, with no sort.
  if (low === sorted.length - 1) memo.indexById?.set(id, low);
  else memo.indexById = undefined;
};

/**
 * Short ids among every item of the vault, live or in the trash, as of this call (make one per
 * printout). The first few lookups scan the ids (a command that prints one id sorts nothing); a
 * table's many lookups use a sorted index, kept for the next command.
 */
export const shortIds = (vault: Vault): ((id: string) => string) => {
  const memo = currentIds(vault);
  let lookups = 0;
  let index: ((id: string) => string) | undefined;
  return (id) => {
    if (index !== undefined) return index(id);
    if (memo.sorted === undefined && ++lookups <= 4) return shortIdAmong(memo.ids, id);
    memo.sorted ??= [...memo.ids].sort();
    memo.indexById ??= new Map(memo.sorted.map((known, i) => [known, i]));
    index = shortIdsOfSorted(memo.sorted, memo.indexById);
    return index(id);
  };
};
