/** A deterministic `RandomBytes` for this package's tests: a ChaCha20 keystream keyed by SHA-256 of a seed. Never for real keys. */

import { utf8ToBytes } from "@keypears/base";
import { chacha20 } from "@noble/ciphers/chacha.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { RandomBytes } from "../random.ts";

const blockBytes = 64;
const bufferBlocks = 64;

export const createSeededRandomBytes = (seed: string): RandomBytes => {
  const key = sha256(utf8ToBytes(`keypears-test-seed:${seed}`));
  const nonce = new Uint8Array(12);
  let counter = 0;
  let buffer = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (offset === buffer.length) {
        buffer = chacha20(
          key,
          nonce,
          new Uint8Array(blockBytes * bufferBlocks),
          undefined,
          counter,
        );
        counter += bufferBlocks;
        offset = 0;
      }
      const take = Math.min(length - filled, buffer.length - offset);
      out.set(buffer.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
    }
    return out;
  };
};

/** A source that replays fixed bytes, for known-answer tests that need a given nonce. */
export const fixedRandomBytes =
  (bytes: Uint8Array): RandomBytes =>
  (length) => {
    if (length !== bytes.length)
      throw new Error(`fixed source holds ${bytes.length} bytes, asked for ${length}`);
    return bytes.slice();
  };
