/**
 * A device's own key pairs (protocol version 2, docs/PROTOCOL.md 16.1): Ed25519 signs every event
 * and snapshot the device writes, X25519 receives vault keys of later key epochs. Both are made on
 * the device from its own randomness; the private halves stay sealed in its vault file.
 */

import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, concatBytes, equalBytes } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import type * as NodeCrypto from "node:crypto";
import { ED25519_GROUP_ORDER, isStrictEd25519Input } from "./ed25519-strictness.ts";
import { expectBytes } from "./expect-bytes.ts";
import { drawRandomBytes, type RandomBytes, systemRandomBytes } from "./random.ts";

export const DEVICE_PUBLIC_KEY_LENGTH = 32;
export const DEVICE_SIGNATURE_LENGTH = 64;

export interface DeviceKeyPairs {
  /** The Ed25519 seed (RFC 8032 "secret key"): secret. */
  readonly signingSeed: Uint8Array;
  readonly signingKey: Uint8Array;
  /** The X25519 private scalar: secret. */
  readonly exchangeSecret: Uint8Array;
  readonly exchangeKey: Uint8Array;
}

export const createDeviceKeyPairs = (random: RandomBytes = systemRandomBytes): DeviceKeyPairs =>
  deviceKeyPairsFromSecrets(drawRandomBytes(random, 32), drawRandomBytes(random, 32));

/** The public halves of stored private halves. */
export const deviceKeyPairsFromSecrets = (
  signingSeed: Uint8Array,
  exchangeSecret: Uint8Array,
): DeviceKeyPairs => {
  expectBytes(signingSeed, 32, "signing seed");
  expectBytes(exchangeSecret, 32, "exchange secret");
  return {
    signingSeed,
    signingKey: ed25519.getPublicKey(signingSeed),
    exchangeSecret,
    exchangeKey: x25519.getPublicKey(exchangeSecret),
  };
};

/**
 * Ed25519 on Node's native implementation (OpenSSL) where there is one: pure JavaScript signs and
 * verifies a few thousand messages a second, too slow for a vault that verifies every event of a
 * 100,000-event log. Signatures are deterministic (RFC 8032), so both give the same bytes; noble
 * stays the implementation elsewhere (browsers) and the tests hold the two to each other.
 *
 * Verification is cofactorless everywhere (docs/PROTOCOL.md 16.2): OpenSSL and BoringSSL (a
 * browser's WebCrypto) encode [S]B - [k]A and compare it with R; noble's own `verify` checks the
 * cofactored equation instead, which accepts a mixed-order R or A that the others refuse, so the
 * JavaScript path does the cofactorless comparison itself with noble's point arithmetic.
 */
export interface Ed25519 {
  readonly sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array;
  readonly verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

export const nobleEd25519: Ed25519 = {
  sign: (seed, message) => ed25519.sign(message, seed),
  verify: (publicKey, message, signature) => {
    const r = signature.subarray(0, 32);
    const s = bytesToNumberLE(signature.subarray(32, 64));
    if (s >= ED25519_GROUP_ORDER) return false;
    // Throws (the caller's `false`) on an encoding that is no point or not canonical.
    const a = ed25519.Point.fromBytes(publicKey, false);
    const k = bytesToNumberLE(sha512(concatBytes(r, publicKey, message))) % ED25519_GROUP_ORDER;
    const check = ed25519.Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k));
    return equalBytes(check.toBytes(), r);
  },
};

const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

const der = (prefix: Uint8Array, key: Uint8Array): Uint8Array => {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix);
  out.set(key, prefix.length);
  return out;
};

export const createNativeEd25519 = (): Ed25519 | undefined => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process?.getBuiltinModule;
  const crypto = getBuiltin?.("node:crypto") as typeof NodeCrypto | undefined;
  if (crypto === undefined) return undefined;
  // A vault verifies many events of few devices: their public keys are parsed once.
  const publicKeys = new Map<string, NodeCrypto.KeyObject>();
  const publicKeyOf = (key: Uint8Array): NodeCrypto.KeyObject => {
    const id = String.fromCharCode(...key);
    let object = publicKeys.get(id);
    if (object === undefined) {
      object = crypto.createPublicKey({
        key: Buffer.from(der(SPKI_PREFIX, key)),
        format: "der",
        type: "spki",
      });
      if (publicKeys.size > 1000) publicKeys.clear();
      publicKeys.set(id, object);
    }
    return object;
  };
  // A device signs with one seed, kept as one array while the vault is unlocked.
  const privateKeys = new WeakMap<Uint8Array, NodeCrypto.KeyObject>();
  const privateKeyOf = (seed: Uint8Array): NodeCrypto.KeyObject => {
    let object = privateKeys.get(seed);
    if (object === undefined) {
      object = crypto.createPrivateKey({
        key: Buffer.from(der(PKCS8_PREFIX, seed)),
        format: "der",
        type: "pkcs8",
      });
      privateKeys.set(seed, object);
    }
    return object;
  };
  try {
    return {
      sign: (seed, message) => new Uint8Array(crypto.sign(null, message, privateKeyOf(seed))),
      verify: (publicKey, message, signature) =>
        crypto.verify(null, message, publicKeyOf(publicKey), signature),
    };
  } catch {
    return undefined;
  }
};

const implementation: Ed25519 = createNativeEd25519() ?? nobleEd25519;

/** An Ed25519 signature (RFC 8032, deterministic) of `message`. */
export const signAsDevice = (signingSeed: Uint8Array, message: Uint8Array): Uint8Array => {
  expectBytes(signingSeed, 32, "signing seed");
  return implementation.sign(signingSeed, message);
};

/**
 * Whether `signature` is a valid Ed25519 signature of `message` by `signingKey` under the
 * protocol's strictness rule (`ed25519-strictness.ts`), the same answer on every platform; never
 * throws.
 */
export const verifyDeviceSignature = (
  signingKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean => {
  if (signingKey.length !== DEVICE_PUBLIC_KEY_LENGTH) return false;
  if (signature.length !== DEVICE_SIGNATURE_LENGTH) return false;
  if (!isStrictEd25519Input(signingKey, signature)) return false;
  try {
    return implementation.verify(signingKey, message, signature);
  } catch {
    return false;
  }
};
