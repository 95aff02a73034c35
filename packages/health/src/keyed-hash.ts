/**
 * Equality of passwords without keeping them as keys: HMAC-SHA256 under a key drawn for one run
 * and dropped with it, so the digests mean nothing outside that run and are never written anywhere.
 */

import type { RandomBytes } from "@keypears/base";
// Node's native HMAC in Node, noble's in browsers (package.json `imports`): the same digests.
import { hmacSha256Hex } from "#hmac-sha256";

/** The same text gives the same digest within one hasher, and unrelated digests across hashers. */
export type KeyedHash = (text: string) => string;

export const createKeyedHash = (randomBytes: RandomBytes): KeyedHash => {
  const key = randomBytes(32).slice(0, 32);
  if (key.length !== 32) throw new Error(`expected 32 random bytes, got ${key.length}`);
  return hmacSha256Hex(key);
};
