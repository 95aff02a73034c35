/** HKDF-SHA256 (RFC 5869) and labelled subkey derivation, so each key serves exactly one purpose. */

import { utf8ToBytes } from "@keypears/base";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** HKDF-SHA256 extract-then-expand; an absent salt means 32 zero bytes, as RFC 5869 says. */
export const hkdfSha256 = (
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array => {
  if (!Number.isSafeInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError(`expected an HKDF output length between 1 and 8160 bytes, got ${length}`);
  }
  return hkdf(sha256, ikm, salt, info, length);
};

/**
 * A subkey of a uniformly random key, named by a label such as `"keypears/v1/vault/events"`
 * (see `LABELS`): different labels give independent keys, so compromising one use of a key
 * reveals nothing about another.
 */
export const deriveSubkey = (key: Uint8Array, label: string, length = 32): Uint8Array => {
  if (!(key instanceof Uint8Array) || key.length < 32) {
    throw new RangeError(`expected a key of at least 32 bytes, got ${String(key?.length)}`);
  }
  if (!label.startsWith("keypears/")) {
    throw new Error(`subkey label must start with "keypears/", got ${JSON.stringify(label)}`);
  }
  if (!Number.isSafeInteger(length) || length < 16) {
    throw new RangeError(`expected a subkey of at least 16 bytes, got ${length}`);
  }
  return hkdfSha256(key, undefined, utf8ToBytes(label), length);
};
