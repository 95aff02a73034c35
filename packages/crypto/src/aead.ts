/** Authenticated encryption for everything KeyPears stores or syncs: XChaCha20-Poly1305 in a versioned envelope. */

import { err, ok, type Result } from "@keypears/base";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import type { AssociatedData } from "./associated-data.ts";
import { expectBytes } from "./expect-bytes.ts";
import { createNativeXChaCha, type XChaChaCipher } from "./xchacha-native.ts";
import { drawRandomBytes, type RandomBytes, systemRandomBytes } from "./random.ts";

/** Noble's XChaCha20-Poly1305: the reference, and the implementation wherever no native one exists. */
export const nobleXChaCha: XChaChaCipher = {
  encrypt: (key, nonce, ad, plaintext, headroom = 0) => {
    const sealed = xchacha20poly1305(key, nonce, ad).encrypt(plaintext);
    if (headroom === 0) return sealed;
    const out = new Uint8Array(headroom + sealed.length);
    out.set(sealed, headroom);
    return out;
  },
  decrypt: (key, nonce, ad, sealed) => {
    try {
      return xchacha20poly1305(key, nonce, ad).decrypt(sealed);
    } catch {
      return undefined;
    }
  },
};

/** Native where the platform has it (Node), noble elsewhere; the bytes are the same. */
const cipher: XChaChaCipher = createNativeXChaCha() ?? nobleXChaCha;

/** The first byte of every sealed box; a future format change gets a new number. */
export const AEAD_VERSION = 1;

const nonceLength = 24;
const tagLength = 16;
const headerLength = 1 + nonceLength;

/** Bytes a sealed box adds to its plaintext: version, nonce and tag. */
export const SEALED_OVERHEAD = headerLength + tagLength;

export interface DecryptError {
  readonly kind: "decrypt-failed";
}

const decryptFailed: DecryptError = Object.freeze({ kind: "decrypt-failed" });

/**
 * Encrypts and authenticates `plaintext` under a 32-byte key, bound to `associatedData`:
 * `version (1) || nonce (24) || ciphertext || tag (16)`.
 *
 * Nonces are random: XChaCha20's 192-bit nonce makes a collision negligible even after
 * billions of messages under one key, so no nonce counter has to be kept in sync across
 * devices.
 */
export const seal = (
  key: Uint8Array,
  plaintext: Uint8Array,
  associatedData: AssociatedData,
  randomBytes: RandomBytes = systemRandomBytes,
): Uint8Array => {
  expectBytes(key, 32, "key");
  const nonce = drawRandomBytes(randomBytes, nonceLength);
  const out = cipher.encrypt(key, nonce, associatedData, plaintext, headerLength);
  out[0] = AEAD_VERSION;
  out.set(nonce, 1);
  return out;
};

/**
 * Decrypts a box made by `seal`. Any fault in the box (truncated, unknown version, a flipped
 * bit, another key, other associated data) is the same `decrypt-failed`, never an exception,
 * so hostile input cannot probe which check failed. A key of the wrong length is a bug and
 * throws.
 */
export const open = (
  key: Uint8Array,
  sealed: Uint8Array,
  associatedData: AssociatedData,
): Result<Uint8Array, DecryptError> => {
  expectBytes(key, 32, "key");
  if (
    !(sealed instanceof Uint8Array) ||
    sealed.length < SEALED_OVERHEAD ||
    sealed[0] !== AEAD_VERSION
  ) {
    return err(decryptFailed);
  }
  const nonce = sealed.subarray(1, headerLength);
  const plaintext = cipher.decrypt(key, nonce, associatedData, sealed.subarray(headerLength));
  return plaintext === undefined ? err(decryptFailed) : ok(plaintext);
};
