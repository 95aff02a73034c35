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
export const shortIdAmong = (ids: readonly string[], id: string): string => {
  let longest = 0;
  let found = false;
  for (const other of ids) {
    if (other === id) found = true;
    else longest = Math.max(longest, common(id, other));
  }
  return found ? prefixOf(id, longest) : id;
};

/**
 * The ids of every item, live or in the trash, kept per vault until its next commit: in the
 * agent, which serves many commands from one vault, they are listed once, not per command.
 */
const idsByVault = new WeakMap<Vault, { ids: readonly string[] | undefined }>();

const allIds = (vault: Vault): readonly string[] => {
  let memo = idsByVault.get(vault);
  if (memo === undefined) {
    const entry: { ids: readonly string[] | undefined } = { ids: undefined };
    vault.onCommit(() => (entry.ids = undefined));
    idsByVault.set(vault, entry);
    memo = entry;
  }
  memo.ids ??= [...vault.list(), ...vault.list({ trash: true })].map((item) => item.id);
  return memo.ids;
};

/**
 * Short ids among every item of the vault, live or in the trash. The first few lookups scan the
 * ids (a command that prints one id sorts nothing); a table's many lookups use a sorted index.
 */
export const shortIds = (vault: Vault): ((id: string) => string) => {
  const ids = allIds(vault);
  let lookups = 0;
  let index: ((id: string) => string) | undefined;
  return (id) => {
    if (index === undefined && ++lookups <= 4) return shortIdAmong(ids, id);
    index ??= shortIdsFor(ids);
    return index(id);
  };
};
