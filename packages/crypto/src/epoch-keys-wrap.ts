/**
 * The password-wrapped copy of every key epoch's vault key (docs/PROTOCOL.md 16.7), as the server
 * stores it, so a device that signs in after a rotation can read every epoch.
 *
 * Two forms share the same box and associated data, `Seal(wrapKey, plain, AD("vault-key",
 * address, vaultId))`, and the plaintext's length tells them apart:
 *
 * - version 1 (before any rotation): `vaultKey_0` alone, 32 bytes;
 * - epochs: `0x02 || uint32BE(e) || vaultKey_0 || ... || vaultKey_e`, 5 + 32 (e + 1) bytes, which
 *   is never 32, so no plaintext parses as both.
 *
 * The list is complete (every epoch from 0 to the newest), so a reader cannot be handed a gap.
 * A server can only serve an older copy it once stored (it cannot seal one): a device that gets
 * one reads the later epochs' events as `unknown-epoch` until the next copy, never wrong data.
 */

import { err, ok, type Result } from "@keypears/base";
import { open, seal, SEALED_OVERHEAD } from "./aead.ts";
import type { WrapKey } from "./account-keys.ts";
import { associatedData } from "./associated-data.ts";
import { expectBytes } from "./expect-bytes.ts";
import { systemRandomBytes, type RandomBytes } from "./random.ts";
import {
  VAULT_KEY_LENGTH,
  type VaultKey,
  type VaultKeyContext,
  type WrongCredentials,
} from "./vault-keys.ts";

/** The most epochs one wrapped copy holds (the newest is 255). */
export const MAX_WRAPPED_EPOCHS = 256;

const EPOCHS_FORM = 0x02;
const HEADER_LENGTH = 5;
const wrongCredentials: WrongCredentials = Object.freeze({ kind: "wrong-credentials" });

/** Wraps the vault keys of epochs 0 to `keys.length - 1`, in that order, under `wrapKey`. */
export const wrapEpochKeys = (
  wrapKey: WrapKey,
  keys: readonly VaultKey[],
  context: VaultKeyContext,
  random: RandomBytes = systemRandomBytes,
): Uint8Array => {
  if (keys.length < 1 || keys.length > MAX_WRAPPED_EPOCHS)
    throw new Error(`expected 1 to ${MAX_WRAPPED_EPOCHS} epoch keys, got ${keys.length}`);
  const plain = new Uint8Array(HEADER_LENGTH + VAULT_KEY_LENGTH * keys.length);
  plain[0] = EPOCHS_FORM;
  new DataView(plain.buffer).setUint32(1, keys.length - 1);
  keys.forEach((key, epoch) => {
    expectBytes(key, VAULT_KEY_LENGTH, `vault key of epoch ${epoch}`);
    plain.set(key, HEADER_LENGTH + VAULT_KEY_LENGTH * epoch);
  });
  const wrapped = seal(wrapKey, plain, vaultKeyAd(context), random);
  plain.fill(0);
  return wrapped;
};

/**
 * Opens either form: the vault keys of epochs 0 to the newest, oldest first (one key for the
 * version-1 form). Any failure is the same `wrong-credentials`, as for `unwrapVaultKey`.
 */
export const unwrapEpochKeys = (
  wrapKey: WrapKey,
  wrapped: Uint8Array,
  context: VaultKeyContext,
): Result<readonly VaultKey[], WrongCredentials> => {
  const opened = open(wrapKey, wrapped, vaultKeyAd(context));
  if (!opened.ok) return err(wrongCredentials);
  const plain = opened.value;
  if (plain.length === VAULT_KEY_LENGTH) return ok([plain as VaultKey]);
  if (plain.length < HEADER_LENGTH + VAULT_KEY_LENGTH || plain[0] !== EPOCHS_FORM)
    return err(wrongCredentials);
  const newest = new DataView(plain.buffer, plain.byteOffset).getUint32(1);
  if (
    newest >= MAX_WRAPPED_EPOCHS ||
    plain.length !== HEADER_LENGTH + VAULT_KEY_LENGTH * (newest + 1)
  )
    return err(wrongCredentials);
  const keys: VaultKey[] = [];
  for (let epoch = 0; epoch <= newest; epoch++) {
    const at = HEADER_LENGTH + VAULT_KEY_LENGTH * epoch;
    keys.push(plain.slice(at, at + VAULT_KEY_LENGTH) as VaultKey);
  }
  plain.fill(0);
  return ok(keys);
};

/**
 * How many epochs' keys a wrapped copy holds, read from its length alone (no key needed), so a
 * device knows whether to re-wrap without deriving the password key; undefined for another length.
 */
export const wrappedEpochCount = (wrapped: Uint8Array): number | undefined => {
  const plain = wrapped.length - SEALED_OVERHEAD;
  if (plain === VAULT_KEY_LENGTH) return 1;
  const count = (plain - HEADER_LENGTH) / VAULT_KEY_LENGTH;
  return Number.isInteger(count) && count >= 1 && count <= MAX_WRAPPED_EPOCHS ? count : undefined;
};

const vaultKeyAd = ({ address, vaultId }: VaultKeyContext) =>
  associatedData("vault-key", address, vaultId);
