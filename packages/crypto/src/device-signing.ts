/**
 * A device's own key pairs (protocol version 2, docs/PROTOCOL.md 16.1): Ed25519 signs every event
 * and snapshot the device writes, X25519 receives vault keys of later key epochs. Both are made on
 * the device from its own randomness; the private halves stay sealed in its vault file.
 */

import { ed25519, x25519 } from "@noble/curves/ed25519.js";
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

/** An Ed25519 signature (RFC 8032, deterministic) of `message`. */
export const signAsDevice = (signingSeed: Uint8Array, message: Uint8Array): Uint8Array => {
  expectBytes(signingSeed, 32, "signing seed");
  return ed25519.sign(message, signingSeed);
};

/** Whether `signature` is a valid Ed25519 signature of `message` by `signingKey`; never throws. */
export const verifyDeviceSignature = (
  signingKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean => {
  if (signingKey.length !== DEVICE_PUBLIC_KEY_LENGTH) return false;
  if (signature.length !== DEVICE_SIGNATURE_LENGTH) return false;
  try {
    return ed25519.verify(signature, message, signingKey, { zip215: false });
  } catch {
    return false;
  }
};
