/** HMAC-SHA256 of texts under one key, as hex, with noble's JavaScript hashes (browsers; `#hmac-sha256`). */

import { bytesToHex, utf8ToBytes } from "@keypears/base";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

export const hmacSha256Hex = (key: Uint8Array): ((text: string) => string) => {
  // Keying once and cloning per message skips the two key blocks HMAC would hash every time.
  const keyed = hmac.create(sha256, key);
  return (text) => bytesToHex(keyed.clone().update(utf8ToBytes(text)).digest());
};
