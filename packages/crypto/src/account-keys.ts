/** The top of the key hierarchy: from password and Secret Key to the keys an account needs. */

import { type Brand, concatBytes, type Result, ok, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { deriveArgon2id, type KdfCost, type KdfError, type KdfParams } from "./argon2id.ts";
import { expectBytes } from "./expect-bytes.ts";
import { deriveSubkey, hkdfSha256 } from "./hkdf.ts";
import { LABELS } from "./labels.ts";
import { drawRandomBytes, type RandomBytes, systemRandomBytes } from "./random.ts";
import { createSecretKey, SECRET_KEY_LENGTH, type SecretKey } from "./secret-key.ts";
import { wipe } from "./wipe.ts";

/** Wraps (encrypts) the vault keys of an account; never leaves the device. */
export type WrapKey = Brand<Uint8Array, "WrapKey">;

/**
 * What a synced client proves to its server to log in. It is derived from the password and
 * the Secret Key together, so it tells the server nothing it could use to guess the password
 * (see `deriveAccountKeys`).
 */
export type AuthSecret = Brand<Uint8Array, "AuthSecret">;

export const ACCOUNT_SALT_LENGTH = 16;

/**
 * The random per-account inputs, made once at sign-up: the Secret Key stays with the user and
 * their devices; the salt is not secret and may be stored anywhere.
 */
export interface AccountSecrets {
  readonly secretKey: SecretKey;
  readonly salt: Uint8Array;
}

export interface AccountKeys {
  readonly wrapKey: WrapKey;
  readonly authSecret: AuthSecret;
}

export interface DeriveAccountKeysInput {
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly salt: Uint8Array;
  /** The account address in its canonical form (e.g. `alice@example.com`); it is bound into every key. */
  readonly address: string;
  /** KDF parameters, possibly as served by a server: checked against this client's floor and ceiling. */
  readonly params: KdfParams;
  /** Tests only: see `KdfOptions.unsafeFloorForTests`. */
  readonly unsafeFloorForTests?: KdfCost;
}

export const createAccountSecrets = (random: RandomBytes = systemRandomBytes): AccountSecrets => ({
  secretKey: createSecretKey(random),
  salt: drawRandomBytes(random, ACCOUNT_SALT_LENGTH),
});

/**
 * Two-secret key derivation, as 1Password does it:
 *
 *     passwordKey = Argon2id(NFKC(password), SHA-256(label || len || address || salt), params)
 *     rootKey     = HKDF-SHA256(ikm = passwordKey || secretKey, salt, "keypears/v1/root|" + address)
 *     wrapKey     = HKDF(rootKey, "keypears/v1/wrap-key")
 *     authSecret  = HKDF(rootKey, "keypears/v1/auth")
 *
 * Why two secrets: a synced server stores the salt, the parameters and something derived
 * from `authSecret`, and sees `authSecret` on the wire. Testing a password guess against
 * any of these means recomputing `rootKey`, which needs the 128-bit Secret Key the server
 * never had; so a stolen database plus captured traffic gives an attacker 2^128 work per
 * guess, not one Argon2id run, even for a weak password. Argon2id still protects the
 * password if a device (which holds the Secret Key) is stolen.
 *
 * The address is bound into the Argon2id salt and the HKDF info, so one password and Secret
 * Key used for two accounts still give unrelated keys. The password is normalized with NFKC
 * so that the same characters typed on another keyboard give the same keys. The
 * intermediate `passwordKey` and `rootKey` are wiped before returning.
 */
export const deriveAccountKeys = async (
  input: DeriveAccountKeysInput,
): Promise<Result<AccountKeys, KdfError>> => {
  expectBytes(input.secretKey, SECRET_KEY_LENGTH, "Secret Key");
  const passwordKey = await derivePasswordKey(input);
  if (!passwordKey.ok) return passwordKey;
  const keys = accountKeysFromPasswordKey(
    passwordKey.value,
    input.secretKey,
    input.salt,
    input.address,
  );
  wipe(passwordKey.value);
  return ok(keys);
};

/** The Argon2id output of the password alone: the costly first step of `deriveAccountKeys`. */
export type PasswordKey = Brand<Uint8Array, "PasswordKey">;

export type DerivePasswordKeyInput = Omit<DeriveAccountKeysInput, "secretKey">;

/**
 * The first, costly step of key derivation. A device runs it once per unlock and uses the result
 * both to open its sealed copy of the Secret Key (`deriveDeviceKey`) and to finish the account
 * keys (`accountKeysFromPasswordKey`). The caller wipes the result when done.
 */
export const derivePasswordKey = async (
  input: DerivePasswordKeyInput,
): Promise<Result<PasswordKey, KdfError>> => {
  const { password, salt, address, params } = input;
  expectBytes(salt, ACCOUNT_SALT_LENGTH, "account salt");
  if (typeof address !== "string" || address.length === 0) {
    throw new Error("expected a non-empty account address");
  }
  if (typeof password !== "string") throw new TypeError("expected the password as a string");
  const passwordBytes = utf8ToBytes(password.normalize("NFKC"));
  const options =
    input.unsafeFloorForTests === undefined
      ? {}
      : { unsafeFloorForTests: input.unsafeFloorForTests };
  const passwordKey = await deriveArgon2id(
    passwordBytes,
    argon2Salt(address, salt),
    params,
    options,
  );
  wipe(passwordBytes);
  return passwordKey.ok ? ok(passwordKey.value as PasswordKey) : passwordKey;
};

/** The second step: mixes in the Secret Key and derives the wrap key and the auth secret. */
export const accountKeysFromPasswordKey = (
  passwordKey: PasswordKey,
  secretKey: SecretKey,
  salt: Uint8Array,
  address: string,
): AccountKeys => {
  expectBytes(secretKey, SECRET_KEY_LENGTH, "Secret Key");
  const ikm = concatBytes(passwordKey, secretKey);
  const rootKey = hkdfSha256(ikm, salt, utf8ToBytes(LABELS.rootKeyPrefix + address), 32);
  wipe(ikm);
  const keys: AccountKeys = {
    wrapKey: deriveSubkey(rootKey, LABELS.wrapKey) as WrapKey,
    authSecret: deriveSubkey(rootKey, LABELS.authSecret) as AuthSecret,
  };
  wipe(rootKey);
  return keys;
};

/**
 * SHA-256 of the label, the address (with its 4-byte length) and the account salt: unique per
 * account even if two accounts drew the same salt.
 */
const argon2Salt = (address: string, salt: Uint8Array): Uint8Array => {
  const addressBytes = utf8ToBytes(address);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, addressBytes.length);
  return sha256(concatBytes(utf8ToBytes(LABELS.argon2Salt), length, addressBytes, salt));
};
