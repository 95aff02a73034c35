/**
 * XChaCha20-Poly1305 on Node's native ChaCha20-Poly1305 (OpenSSL), several times faster than pure
 * JavaScript for the short messages of a vault. The construction is the standard one
 * (draft-irtf-cfrg-xchacha §2.3): HChaCha20 of the key and the first 16 nonce bytes gives a
 * subkey, and ChaCha20-Poly1305 runs under it with the nonce `0x00000000 || nonce[16..24]`. The
 * output is byte for byte noble's `xchacha20poly1305`, which stays the implementation everywhere
 * this one is unavailable (browsers, big-endian hosts); tests hold the two to each other and to
 * the draft's vector.
 */

import { hchacha } from "@noble/ciphers/chacha.js";
import type * as NodeCrypto from "node:crypto";

export interface XChaChaCipher {
  /** Ciphertext and tag, after `headroom` bytes left for the caller (so it need not copy). */
  readonly encrypt: (
    key: Uint8Array,
    nonce: Uint8Array,
    ad: Uint8Array,
    plaintext: Uint8Array,
    headroom?: number,
  ) => Uint8Array;
  /** Returns undefined when the tag does not verify. */
  readonly decrypt: (
    key: Uint8Array,
    nonce: Uint8Array,
    ad: Uint8Array,
    sealed: Uint8Array,
  ) => Uint8Array | undefined;
}

const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const TAG = 16;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Scratch words for HChaCha20, reused by every call (JavaScript runs one call at a time here): a
// box's own work is a few microseconds, and four typed arrays allocated per box cost as much again.
const keyWords = new Uint32Array(8);
const keyBytes = new Uint8Array(keyWords.buffer);
const nonceWords = new Uint32Array(4);
const nonceBytes = new Uint8Array(nonceWords.buffer);
const subkeyWords = new Uint32Array(8);
const subkeyBytes = new Uint8Array(subkeyWords.buffer);
const inner = new Uint8Array(12);

/** HChaCha20 of the key and the nonce's first 16 bytes, into `subkeyBytes` (wiped by `release`). */
const deriveSubkey = (key: Uint8Array, nonce: Uint8Array): void => {
  keyBytes.set(key.subarray(0, 32));
  nonceBytes.set(nonce.subarray(0, 16));
  hchacha(SIGMA, keyWords, nonceWords, subkeyWords);
  inner.set(nonce.subarray(16, 24), 4);
};

/** Wipes the scratch key material once the cipher object holds its own copy. */
const release = (): void => {
  keyWords.fill(0);
  subkeyWords.fill(0);
};

const loadNodeCrypto = (): typeof NodeCrypto | undefined => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process?.getBuiltinModule;
  const module = getBuiltin?.("node:crypto") as typeof NodeCrypto | undefined;
  return module?.getCiphers().includes("chacha20-poly1305") === true ? module : undefined;
};

/** The native cipher, or undefined where the platform has none (then callers use noble). */
export const createNativeXChaCha = (): XChaChaCipher | undefined => {
  const nodeCrypto = littleEndian ? loadNodeCrypto() : undefined;
  if (nodeCrypto === undefined) return undefined;
  const options = { authTagLength: TAG };
  return {
    encrypt: (key, nonce, ad, plaintext, headroom = 0) => {
      deriveSubkey(key, nonce);
      const cipher = nodeCrypto.createCipheriv("chacha20-poly1305", subkeyBytes, inner, options);
      release();
      cipher.setAAD(ad, { plaintextLength: plaintext.length });
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      const out = new Uint8Array(headroom + head.length + tail.length + TAG);
      out.set(head, headroom);
      out.set(tail, headroom + head.length);
      out.set(cipher.getAuthTag(), headroom + head.length + tail.length);
      return out;
    },
    decrypt: (key, nonce, ad, sealed) => {
      if (sealed.length < TAG) return undefined;
      const body = sealed.subarray(0, sealed.length - TAG);
      deriveSubkey(key, nonce);
      const decipher = nodeCrypto.createDecipheriv(
        "chacha20-poly1305",
        subkeyBytes,
        inner,
        options,
      );
      release();
      decipher.setAAD(ad, { plaintextLength: body.length });
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
      try {
        const head = decipher.update(body);
        const tail = decipher.final();
        const out = new Uint8Array(head.length + tail.length);
        out.set(head, 0);
        out.set(tail, head.length);
        return out;
      } catch {
        return undefined;
      }
    },
  };
};
