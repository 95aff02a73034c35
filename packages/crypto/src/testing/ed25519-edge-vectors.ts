/**
 * Ed25519 edge cases on which implementations that follow RFC 8032 may disagree (after "Taming
 * the many EdDSAs", Chalkias, Garillot, Nikolaenko 2020): small-order and mixed-order keys and
 * R, non-canonical encodings, S at and below the group order. Each is made here with noble's point
 * arithmetic, deterministically, and carries the protocol's answer (`verifyDeviceSignature`,
 * docs/PROTOCOL.md 16.2). The RFC 8032 vectors are the honest baseline.
 */

import { ED25519_TORSION_SUBGROUP, ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, concatBytes, hexToBytes, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { ED25519_GROUP_ORDER as L } from "../ed25519-strictness.ts";

export interface EdgeVector {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  /** The protocol's answer, on every platform. */
  readonly valid: boolean;
  /** Whether the strictness rule lets it through to the cofactorless equation. */
  readonly strict: boolean;
}

const B = ed25519.Point.BASE;
const P = 2n ** 255n - 19n;
const mod = (n: bigint): bigint => ((n % L) + L) % L;
const scalar = (label: string): bigint =>
  mod(bytesToNumberLE(sha512(new TextEncoder().encode(label))));
const challenge = (r: Uint8Array, a: Uint8Array, message: Uint8Array): bigint =>
  mod(bytesToNumberLE(sha512(concatBytes(r, a, message))));
const signature = (r: Uint8Array, s: bigint): Uint8Array => concatBytes(r, numberToBytesLE(s, 32));
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
/** The point of order 8 and the identity, from noble's list of the torsion subgroup. */
const T8 = ed25519.Point.fromBytes(hexToBytes(ED25519_TORSION_SUBGROUP[1] as string));
const IDENTITY = hexToBytes(ED25519_TORSION_SUBGROUP[0] as string);
/** y = p + 1: the identity's y, not reduced (a non-canonical encoding). */
const NON_CANONICAL_IDENTITY = numberToBytesLE(P + 1n, 32);
/** x = 0 with the sign bit set ("negative zero"): the identity, encoded wrongly. */
const NEGATIVE_ZERO_IDENTITY = hexToBytes(`01${"00".repeat(30)}80`);

/** A message, the first of `message-0`, `message-1`, … whose challenge k meets `wanted`. */
const grind = (
  prefix: string,
  r: Uint8Array,
  a: Uint8Array,
  wanted: (k: bigint) => boolean,
): { message: Uint8Array; k: bigint } => {
  for (let i = 0; ; i++) {
    const message = text(`${prefix}-${i}`);
    const k = challenge(r, a, message);
    if (wanted(k)) return { message, k };
  }
};

/** An honest signature by the secret scalar `a` with the nonce `r` (points of prime order). */
const honest = (a: bigint, r: bigint, message: Uint8Array): Uint8Array => {
  const publicKey = B.multiply(a).toBytes();
  const rBytes = B.multiply(r).toBytes();
  return signature(rBytes, mod(r + challenge(rBytes, publicKey, message) * a));
};

const rfc8032 = (name: string, publicKey: string, message: string, sig: string): EdgeVector => ({
  name,
  publicKey: hexToBytes(publicKey),
  message: hexToBytes(message),
  signature: hexToBytes(sig),
  valid: true,
  strict: true,
});

/** Universal signatures for a small-order key: [S]B = R + [k]A with [k]A the identity. */
const forSmallOrderKey = (name: string, publicKey: Uint8Array, s: bigint): EdgeVector => {
  const r = B.multiplyUnsafe(s).toBytes();
  return {
    name,
    publicKey,
    message: text(name),
    signature: signature(r, s),
    valid: false,
    strict: false,
  };
};

const build = (): EdgeVector[] => {
  const a = scalar("edge key");
  const A = B.multiply(a);
  const aBytes = A.toBytes();
  const r = scalar("edge nonce");
  const R = B.multiply(r);
  const vectors: EdgeVector[] = [
    rfc8032(
      "RFC 8032 7.1 test 1 (empty message)",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    rfc8032(
      "RFC 8032 7.1 test 2 (one byte)",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    rfc8032(
      "RFC 8032 7.1 test 3 (two bytes)",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
  ];
  const honestMessage = text("honest");
  const honestSignature = honest(a, r, honestMessage);
  vectors.push({
    name: "honest signature",
    publicKey: aBytes,
    message: honestMessage,
    signature: honestSignature,
    valid: true,
    strict: true,
  });
  const flipped = honestSignature.slice();
  flipped[0] = (flipped[0] as number) ^ 1;
  vectors.push({
    name: "honest signature, one bit of R flipped",
    publicKey: aBytes,
    message: honestMessage,
    signature: flipped,
    valid: false,
    strict: true,
  });
  const s = bytesToNumberLE(honestSignature.subarray(32));
  vectors.push({
    name: "S + L (S >= L, otherwise valid)",
    publicKey: aBytes,
    message: honestMessage,
    signature: signature(honestSignature.subarray(0, 32), s + L),
    valid: false,
    strict: false,
  });
  vectors.push({
    name: "S = L - 1 (just below L), honest R and A, not a valid signature",
    publicKey: aBytes,
    message: honestMessage,
    signature: signature(honestSignature.subarray(0, 32), L - 1n),
    valid: false,
    strict: true,
  });
  vectors.push(
    forSmallOrderKey("small-order A (the identity), S = L - 1, R = [S]B", IDENTITY, L - 1n),
  );
  vectors.push(forSmallOrderKey("small-order A (the identity), S = 1, R = B", IDENTITY, 1n));
  {
    // A of order 8 and R the identity, S = 0: R + [k]A is the identity when 8 divides k.
    const t8 = T8.toBytes();
    const { message } = grind("small-order A and R", IDENTITY, t8, (k) => k % 8n === 0n);
    vectors.push({
      name: "small-order A (order 8) and R (the identity), S = 0",
      publicKey: t8,
      message,
      signature: signature(IDENTITY, 0n),
      valid: false,
      strict: false,
    });
  }
  vectors.push(
    forSmallOrderKey(
      "non-canonical A (the identity as y = p + 1), R = [S]B",
      NON_CANONICAL_IDENTITY,
      5n,
    ),
  );
  vectors.push(
    forSmallOrderKey(
      "non-canonical A (the identity with x = -0), R = [S]B",
      NEGATIVE_ZERO_IDENTITY,
      5n,
    ),
  );
  {
    // R of order 8, S = k·a: the cofactored equation holds ([8]R is the identity), the
    // cofactorless one does not.
    const rBytes = T8.toBytes();
    const message = text("small-order R");
    const k = challenge(rBytes, aBytes, message);
    vectors.push({
      name: "small-order R (order 8), honest A, S = k·a",
      publicKey: aBytes,
      message,
      signature: signature(rBytes, mod(k * a)),
      valid: false,
      strict: false,
    });
  }
  {
    const message = text("non-canonical R");
    const k = challenge(NON_CANONICAL_IDENTITY, aBytes, message);
    vectors.push({
      name: "non-canonical R (the identity as y = p + 1), honest A, S = k·a",
      publicKey: aBytes,
      message,
      signature: signature(NON_CANONICAL_IDENTITY, mod(k * a)),
      valid: false,
      strict: false,
    });
  }
  {
    // R = [r]B + T8 (mixed order): cofactored holds, cofactorless does not.
    const rBytes = R.add(T8).toBytes();
    const message = text("mixed-order R");
    const k = challenge(rBytes, aBytes, message);
    vectors.push({
      name: "mixed-order R ([r]B + a point of order 8), honest A",
      publicKey: aBytes,
      message,
      signature: signature(rBytes, mod(r + k * a)),
      valid: false,
      strict: true,
    });
  }
  const mixedKey = (wanted: (k: bigint) => boolean, name: string, valid: boolean): EdgeVector => {
    // A = [a]B + T8 (mixed order): [k]A = [k·a]B + [k]T8, so the cofactorless equation holds
    // only when 8 divides k; the cofactored one always holds.
    const mixed = A.add(T8).toBytes();
    const rBytes = R.toBytes();
    const { message, k } = grind(name, rBytes, mixed, wanted);
    return {
      name,
      publicKey: mixed,
      message,
      signature: signature(rBytes, mod(r + k * a)),
      valid,
      strict: true,
    };
  };
  vectors.push(mixedKey((k) => k % 8n !== 0n, "mixed-order A, 8 does not divide k", false));
  vectors.push(mixedKey((k) => k % 8n === 0n, "mixed-order A, 8 divides k", true));
  {
    let y = 2n;
    for (; ; y++) {
      try {
        ed25519.Point.fromBytes(numberToBytesLE(y, 32));
      } catch {
        break;
      }
    }
    vectors.push({
      name: `A not on the curve (y = ${y})`,
      publicKey: numberToBytesLE(y, 32),
      message: honestMessage,
      signature: honestSignature,
      valid: false,
      strict: true,
    });
  }
  return vectors;
};

export const ED25519_EDGE_VECTORS: readonly EdgeVector[] = build();
