/** Blind indexes: keyed hashes that let a vault look things up without storing the names in plaintext. */

import { bytesToHex, utf8ToBytes } from "@keypears/base";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { expectBytes } from "./expect-bytes.ts";
import type { IndexKey } from "./vault-keys.ts";

/**
 * HMAC-SHA256 of the NFC-normalized text under the vault's index key, truncated to 16 bytes
 * (128 bits: collisions stay negligible) and written as 32 hex digits. Without the key the
 * values reveal only which entries are equal. Callers that index several kinds of names
 * should prefix the text with the kind, so equal names of different kinds do not match.
 */
export const blindIndex = (indexKey: IndexKey, text: string): string => {
  expectBytes(indexKey, 32, "index key");
  return bytesToHex(hmac(sha256, indexKey, utf8ToBytes(text.normalize("NFC"))).subarray(0, 16));
};
