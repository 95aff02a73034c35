/**
 * The strictness rule every device applies to an Ed25519 signature before verifying it (docs/
 * PROTOCOL.md 16.2), so that every platform gives the same answer for every input.
 *
 * Why: the protocol verifies with three implementations: OpenSSL (Node), BoringSSL (a browser's
 * WebCrypto) and JavaScript (noble's arithmetic, where neither is at hand). RFC 8032 leaves them
 * room to disagree on edge cases ("Taming the many EdDSAs", Chalkias, Garillot, Nikolaenko 2020):
 * OpenSSL and BoringSSL decode a non-canonical public key (its y at or above p) where noble
 * refuses it; some accept a small-order key (for which one signature fits every message) and some
 * do not. A malicious enrolled device could sign an event with such an input, have some devices
 * accept it and others refuse it, and fork their states. So, before any implementation runs:
 *
 * - the public key A and the signature's R are canonical encodings (y < p) of points that are
 *   not of small order (y is none of the five y-coordinates of the eight points of order 1, 2,
 *   4 or 8, with either sign bit: this also refuses x = 0 with the sign bit set);
 * - the signature's S is below the group order L.
 *
 * What remains is verified with the cofactorless equation, by comparing bytes: encode
 * [S]B - [k]A and compare it with R, as OpenSSL and BoringSSL do (and the JavaScript path, see
 * `device-signing.ts`). On inputs that pass this rule, that is the same group arithmetic
 * everywhere, so the same answer. Honestly made signatures always pass (A = [a]B and R = [r]B are
 * of prime order, S = r + k·a mod L), which the property tests check.
 *
 * Costs three 32-byte comparisons per signature, nothing against the verification itself.
 */

import { ED25519_TORSION_SUBGROUP } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, hexToBytes } from "@noble/curves/utils.js";

/** The field prime p = 2^255 - 19. */
const P = 2n ** 255n - 19n;
/** The order L of the prime-order subgroup. */
export const ED25519_GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

const Y_MASK = 2n ** 255n - 1n;
/**
 * A point encoding's y-coordinate: its 255 low bits (the top bit is the sign of x). Read without
 * copying or touching the bytes (a Node `Buffer`'s `slice` would share them).
 */
const yOf = (encoding: Uint8Array): bigint => bytesToNumberLE(encoding) & Y_MASK;

/** The y-coordinates of the eight small-order points (there are five distinct ones). */
const SMALL_ORDER_Y = new Set(ED25519_TORSION_SUBGROUP.map((hex) => yOf(hexToBytes(hex))));

/** Whether a 32-byte point encoding is canonical and not of a small-order point. */
const isStrictPoint = (encoding: Uint8Array): boolean => {
  const y = yOf(encoding);
  return y < P && !SMALL_ORDER_Y.has(y);
};

/**
 * Whether `publicKey` and `signature` pass the strictness rule (above). A 32-byte key and a
 * 64-byte signature are expected; anything else fails.
 */
export const isStrictEd25519Input = (publicKey: Uint8Array, signature: Uint8Array): boolean =>
  publicKey.length === 32 &&
  signature.length === 64 &&
  bytesToNumberLE(signature.subarray(32, 64)) < ED25519_GROUP_ORDER &&
  isStrictPoint(publicKey) &&
  isStrictPoint(signature.subarray(0, 32));
