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

export const shortIdsFor = (ids: readonly string[]): ((id: string) => string) => {
  const sorted = [...new Set(ids)].sort();
  const common = (a: string, b: string) => {
    let n = 0;
    while (n < a.length && a[n] === b[n]) n++;
    return n;
  };
  return (id) => {
    const at = sorted.indexOf(id);
    if (at === -1) return id;
    const before = at > 0 ? common(id, sorted[at - 1] as string) : 0;
    const after = at < sorted.length - 1 ? common(id, sorted[at + 1] as string) : 0;
    let length = Math.max(MIN, before + 1, after + 1);
    if (id[length - 1] === "-") length++;
    return id.slice(0, length);
  };
};

/** Short ids among every item of the vault, live or in the trash. */
export const shortIds = (vault: Vault): ((id: string) => string) =>
  shortIdsFor([...vault.list(), ...vault.list({ trash: true })].map((item) => item.id));
