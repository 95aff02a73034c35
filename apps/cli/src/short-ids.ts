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

export const shortIdsFor = (ids: readonly string[]): ((id: string) => string) => {
  const sorted = [...new Set(ids)].sort();
  const indexById = new Map(sorted.map((id, i) => [id, i]));
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
 * joins the set and drops the index; an unknown answer (another connection committed) lists again.
 * An id kept after its item was purged can only make another id's prefix longer, never ambiguous.
 */
interface IdMemo {
  ids: Set<string> | undefined;
  index: ((id: string) => string) | undefined;
  cursor: string | undefined;
}
const memoByVault = new WeakMap<Vault, IdMemo>();

const currentIds = (vault: Vault): IdMemo & { ids: Set<string> } => {
  let memo = memoByVault.get(vault);
  if (memo === undefined) {
    memo = { ids: undefined, index: undefined, cursor: undefined };
    memoByVault.set(vault, memo);
  }
  // Asked before listing: a write between the two is reported again next time, never missed.
  const changes = vault.itemChanges(memo.cursor);
  memo.cursor = changes.cursor;
  if (memo.ids === undefined || changes.items === null) {
    memo.ids = new Set([...vault.list(), ...vault.list({ trash: true })].map((item) => item.id));
    memo.index = undefined;
  } else {
    for (const id of changes.items) {
      if (memo.ids.has(id)) continue;
      memo.ids.add(id);
      memo.index = undefined;
    }
  }
  return memo as IdMemo & { ids: Set<string> };
};

/**
 * Short ids among every item of the vault, live or in the trash, as of this call (make one per
 * printout). The first few lookups scan the ids (a command that prints one id sorts nothing); a
 * table's many lookups use a sorted index, kept for the next command.
 */
export const shortIds = (vault: Vault): ((id: string) => string) => {
  const memo = currentIds(vault);
  let lookups = 0;
  return (id) => {
    if (memo.index === undefined && ++lookups <= 4) return shortIdAmong(memo.ids, id);
    memo.index ??= shortIdsFor([...memo.ids]);
    return memo.index(id);
  };
};
