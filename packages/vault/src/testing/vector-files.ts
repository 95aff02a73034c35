/**
 * The protocol's test vectors (`docs/protocol/vectors/*.json`) as the vault's vector tests read
 * them: a file's JSON, and the vault keys derived from the first vault key of
 * `key-derivation.json`, under which every sealed vector is made. Node only (it reads files).
 */

import { readFileSync } from "node:fs";
import { hexToBytes } from "@keypears/base";
import { deriveVaultKeys, type VaultKey, type VaultKeys } from "@keypears/crypto";

export const loadVectors = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../docs/protocol/vectors/${name}`, import.meta.url), "utf8"),
  ) as T;

/** The vault keys of `key-derivation.json`'s first vector. */
export const vectorVaultKeys = (): VaultKeys => {
  const { vectors } = loadVectors<{ vectors: { vaultKey: string }[] }>("key-derivation.json");
  return deriveVaultKeys(hexToBytes(vectors[0]?.vaultKey ?? "") as VaultKey);
};
