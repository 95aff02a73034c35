/** Deterministic "randomness" for test vectors: SHA-256(label ‖ counter), never for real keys. */

import { concatBytes, type RandomBytes, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";

export const fixedRandom = (label: string): RandomBytes => {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = sha256(concatBytes(utf8ToBytes(label), Uint8Array.of(counter++ & 0xff)));
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  };
};
