/**
 * A log position this sync client remembers in the vault file (kept sealed with the vault's small
 * secrets), so the next client of the vault (the next CLI command) knows it: where the last
 * snapshot was written, where the last pull reached. 0 when never set.
 */

import type { Vault } from "@keypears/vault";

export const readPositionMark = (vault: Vault, name: string): number => {
  const mark = vault.sync.readSecret(name);
  return mark === undefined ? 0 : Number(new TextDecoder().decode(mark));
};

export const writePositionMark = (vault: Vault, name: string, position: number): void =>
  vault.sync.writeSecret(name, new TextEncoder().encode(String(position)));
