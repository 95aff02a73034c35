/** The per-account Secret Key: 128 random bits mixed into key derivation, written for humans to copy and type. */

import { type Brand, concatBytes, err, ok, type Result, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase32Values, encodeBase32 } from "./base32.ts";
import { expectBytes } from "./expect-bytes.ts";
import { LABELS } from "./labels.ts";
import { drawRandomBytes, type RandomBytes, systemRandomBytes } from "./random.ts";

/**
 * 16 random bytes generated on the user's first device and never sent to any server. Mixed
 * with the password (see `deriveAccountKeys`), it makes a stolen server database useless for
 * guessing passwords: every guess would also need these 128 bits.
 */
export type SecretKey = Brand<Uint8Array, "SecretKey">;

export const SECRET_KEY_LENGTH = 16;

export interface SecretKeyError {
  readonly kind: "invalid-secret-key";
  readonly reason:
    | "wrong-prefix"
    | "unsupported-version"
    | "wrong-length"
    | "invalid-character"
    | "checksum-mismatch";
}

/** Crockford's base32: no I, L, O or U, so fewer symbols look alike. */
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const prefix = "K1";
/** 26 symbols carry 130 bits (128 used), then one check symbol. */
const bodyLength = 27;

export const createSecretKey = (random: RandomBytes = systemRandomBytes): SecretKey =>
  drawRandomBytes(random, SECRET_KEY_LENGTH) as SecretKey;

/**
 * `K1-` then 26 Crockford symbols and one check symbol in groups of five:
 * `K1-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XC`.
 */
export const formatSecretKey = (secretKey: SecretKey): string => {
  expectBytes(secretKey, SECRET_KEY_LENGTH, "Secret Key");
  const body = encodeBase32(secretKey, crockford) + checkSymbol(secretKey);
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += 5) groups.push(body.slice(i, i + 5));
  return `${prefix}-${groups.join("-")}`;
};

/**
 * Reads a Secret Key as a person may type or paste it: any case, spaces or dashes anywhere
 * or nowhere, and Crockford's look-alikes (O for 0, I and L for 1). Strict about the length
 * and the check symbol.
 *
 * The check symbol is 5 bits of SHA-256 over the key, so a typo passes it with probability
 * 1/32; one that slips through still fails later, as wrong credentials.
 */
export const parseSecretKey = (text: string): Result<SecretKey, SecretKeyError> => {
  const compact = text
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (!/^K\d/.test(compact)) return invalid("wrong-prefix");
  if (!compact.startsWith(prefix)) return invalid("unsupported-version");
  const body = compact.slice(prefix.length);
  if (body.length !== bodyLength) return invalid("wrong-length");
  const values: number[] = [];
  for (const char of body) {
    const value = crockford.indexOf(char);
    if (value < 0) return invalid("invalid-character");
    values.push(value);
  }
  const decoded = decodeBase32Values(values.slice(0, bodyLength - 1));
  if (decoded === undefined || !decoded.canonical) return invalid("checksum-mismatch");
  const secretKey = decoded.bytes as SecretKey;
  if (checkSymbol(secretKey) !== body[bodyLength - 1]) return invalid("checksum-mismatch");
  return ok(secretKey);
};

const invalid = (reason: SecretKeyError["reason"]): Result<never, SecretKeyError> =>
  err({ kind: "invalid-secret-key", reason });

const checkSymbol = (secretKey: Uint8Array): string => {
  const digest = sha256(concatBytes(utf8ToBytes(LABELS.secretKeyCheck), secretKey));
  return crockford[(digest[0] as number) >> 3] as string;
};
