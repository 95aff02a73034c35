/**
 * Equality of passwords without keeping them as keys: HMAC-SHA256 under a key drawn for one run
 * and dropped with it, so the digests mean nothing outside that run and are never written anywhere.
 */

import { bytesToHex, type RandomBytes, utf8ToBytes } from "@keypears/base";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** The same text gives the same digest within one hasher, and unrelated digests across hashers. */
export type KeyedHash = (text: string) => string;

export const createKeyedHash = (randomBytes: RandomBytes): KeyedHash => {
  const key = randomBytes(32).slice(0, 32);
  if (key.length !== 32) throw new Error(`expected 32 random bytes, got ${key.length}`);
  // Keying once and cloning per message skips the two key blocks HMAC would hash every time.
  const keyed = hmac.create(sha256, key);
  return (text) => bytesToHex(keyed.clone().update(utf8ToBytes(text)).digest());
};
