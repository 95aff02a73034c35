/** A fresh local vault in a temporary home for each test, with helpers to read items back as plain records. */

import type { FieldValue } from "@keypears/sync-core";
import { createTestAccount, createTestHome, type TestHome } from "@keypears/vault/testing";
import type { Item, Vault } from "@keypears/vault/core";

export const withTestVault = async <T>(
  work: (vault: Vault, home: TestHome) => Promise<T> | T,
): Promise<T> => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path);
  try {
    return await work(vault, home);
  } finally {
    vault.lock();
    home.remove();
  }
};

/** An item's fields by name, plus its type and status, as a test compares them. */
export const recordOf = (item: Item): Record<string, FieldValue> => ({
  type: item.type,
  status: item.status,
  ...Object.fromEntries(item.fields.map((f) => [f.name, f.value])),
});

/** Every item (live and trashed) by title; titles in fixtures are unique. */
export const itemsByTitle = (vault: Vault): Map<string, Record<string, FieldValue>> =>
  new Map(
    [...vault.list(), ...vault.list({ trash: true })].map((item) => [item.title, recordOf(item)]),
  );

/** Older values of a field, oldest first. */
export const olderValues = (vault: Vault, title: string, field: string): FieldValue[] => {
  const history = vault.history(title, field);
  if (!history.ok) throw new Error(`no history for ${title}`);
  return (history.value.fields.find((f) => f.name === field)?.entries ?? [])
    .filter((entry) => !entry.current)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.value);
};
