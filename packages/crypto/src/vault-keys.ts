/** Vault keys: a random key per vault, wrapped by the account's wrap key, and the purpose keys derived from it. */

import { type Brand, err, ok, type Result } from "@keypears/base";
import { open, seal } from "./aead.ts";
import type { WrapKey } from "./account-keys.ts";
import { associatedData } from "./associated-data.ts";
import { expectBytes } from "./expect-bytes.ts";
import { deriveSubkey } from "./hkdf.ts";
import { LABELS } from "./labels.ts";
import { drawRandomBytes, type RandomBytes, systemRandomBytes } from "./random.ts";

/**
 * The random root of one vault. A password change rewraps it instead of re-encrypting the
 * vault, and sharing a vault means wrapping it for someone else.
 */
export type VaultKey = Brand<Uint8Array, "VaultKey">;
/** Seals event payloads, the unit of sync. */
export type EventKey = Brand<Uint8Array, "EventKey">;
/** Seals values stored on the device (caches, drafts, indexes). */
export type StoreKey = Brand<Uint8Array, "StoreKey">;
/** HMAC-SHA256 key for blind indexes (see `blindIndex`). */
export type IndexKey = Brand<Uint8Array, "IndexKey">;

export interface VaultKeys {
  readonly eventKey: EventKey;
  readonly storeKey: StoreKey;
  readonly indexKey: IndexKey;
}

/**
 * Where a wrapped vault key belongs: bound into its associated data, so it cannot be moved to
 * another account or vault.
 */
export interface VaultKeyContext {
  readonly address: string;
  readonly vaultId: string;
}

export interface WrongCredentials {
  readonly kind: "wrong-credentials";
}

const wrongCredentials: WrongCredentials = Object.freeze({ kind: "wrong-credentials" });

export const VAULT_KEY_LENGTH = 32;

export const createVaultKey = (random: RandomBytes = systemRandomBytes): VaultKey =>
  drawRandomBytes(random, VAULT_KEY_LENGTH) as VaultKey;

export const wrapVaultKey = (
  wrapKey: WrapKey,
  vaultKey: VaultKey,
  context: VaultKeyContext,
  random: RandomBytes = systemRandomBytes,
): Uint8Array => {
  expectBytes(vaultKey, VAULT_KEY_LENGTH, "vault key");
  return seal(wrapKey, vaultKey, vaultKeyAd(context), random);
};

/**
 * Opens a wrapped vault key. A wrong password, a wrong Secret Key, another account or vault,
 * and a damaged box all give the same `wrong-credentials`: the error must not tell an
 * attacker which secret was wrong.
 */
export const unwrapVaultKey = (
  wrapKey: WrapKey,
  wrapped: Uint8Array,
  context: VaultKeyContext,
): Result<VaultKey, WrongCredentials> => {
  const opened = open(wrapKey, wrapped, vaultKeyAd(context));
  if (!opened.ok || opened.value.length !== VAULT_KEY_LENGTH) return err(wrongCredentials);
  return ok(opened.value as VaultKey);
};

export const deriveVaultKeys = (vaultKey: VaultKey): VaultKeys => {
  expectBytes(vaultKey, VAULT_KEY_LENGTH, "vault key");
  return {
    eventKey: deriveSubkey(vaultKey, LABELS.vaultEvents) as EventKey,
    storeKey: deriveSubkey(vaultKey, LABELS.vaultStore) as StoreKey,
    indexKey: deriveSubkey(vaultKey, LABELS.vaultIndex) as IndexKey,
  };
};

const vaultKeyAd = ({ address, vaultId }: VaultKeyContext) =>
  associatedData("vault-key", address, vaultId);
