/**
 * Key delivery (protocol version 2, docs/PROTOCOL.md 16.7): a vault key of a new key epoch sealed
 * for one device's X25519 key, so that only the devices still enrolled learn it. Ephemeral-static
 * Diffie-Hellman: the sender makes a fresh X25519 pair per box, so a box reveals nothing about the
 * sender's own keys and two boxes for the same device share nothing.
 *
 *     shared  = X25519(ephemeralSecret, exchangeKey_D)
 *     key     = HKDF-SHA256(shared, salt = ephemeralPublic || exchangeKey_D,
 *                           info = "keypears/v2/key-delivery|" || vaultId || "|" || deviceId, 32)
 *     box     = ephemeralPublic (32) || Seal(key, vaultKey_e, AD("key-delivery", vaultId, deviceId, e))
 */

import { err, ok, type Result } from "@keypears/base";
import { x25519 } from "@noble/curves/ed25519.js";
import { open, seal } from "./aead.ts";
import { associatedData } from "./associated-data.ts";
import { expectBytes } from "./expect-bytes.ts";
import { hkdfSha256 } from "./hkdf.ts";
import { drawRandomBytes, type RandomBytes, systemRandomBytes } from "./random.ts";
import { VAULT_KEY_LENGTH, type VaultKey } from "./vault-keys.ts";

/** Ephemeral public key, then a sealed 32-byte key: 32 + 41 + 32. */
export const KEY_DELIVERY_LENGTH = 105;

export interface KeyDeliveryContext {
  readonly vaultId: string;
  readonly deviceId: string;
  readonly epoch: number;
}

const encoder = new TextEncoder();

const deliveryKey = (
  shared: Uint8Array,
  ephemeralPublic: Uint8Array,
  exchangeKey: Uint8Array,
  context: KeyDeliveryContext,
): Uint8Array => {
  const salt = new Uint8Array(64);
  salt.set(ephemeralPublic);
  salt.set(exchangeKey, 32);
  return hkdfSha256(
    shared,
    salt,
    encoder.encode(`keypears/v2/key-delivery|${context.vaultId}|${context.deviceId}`),
    32,
  );
};

const deliveryAd = (context: KeyDeliveryContext) =>
  associatedData("key-delivery", context.vaultId, context.deviceId, context.epoch);

/** Seals `vaultKey` for the device whose X25519 public key is `exchangeKey`. */
export const sealKeyDelivery = (
  exchangeKey: Uint8Array,
  vaultKey: VaultKey,
  context: KeyDeliveryContext,
  random: RandomBytes = systemRandomBytes,
): Uint8Array => {
  expectBytes(exchangeKey, 32, "exchange key");
  expectBytes(vaultKey, VAULT_KEY_LENGTH, "vault key");
  const ephemeralSecret = drawRandomBytes(random, 32);
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret);
  const shared = x25519.getSharedSecret(ephemeralSecret, exchangeKey);
  const key = deliveryKey(shared, ephemeralPublic, exchangeKey, context);
  const box = seal(key, vaultKey, deliveryAd(context), random);
  ephemeralSecret.fill(0);
  shared.fill(0);
  key.fill(0);
  const out = new Uint8Array(32 + box.length);
  out.set(ephemeralPublic);
  out.set(box, 32);
  return out;
};

export type KeyDeliveryError = { readonly kind: "undeliverable" };

/** Opens a delivery box with this device's X25519 secret; any failure is the same error. */
export const openKeyDelivery = (
  exchangeSecret: Uint8Array,
  delivery: Uint8Array,
  context: KeyDeliveryContext,
): Result<VaultKey, KeyDeliveryError> => {
  expectBytes(exchangeSecret, 32, "exchange secret");
  if (delivery.length !== KEY_DELIVERY_LENGTH) return err({ kind: "undeliverable" });
  const ephemeralPublic = delivery.subarray(0, 32);
  let shared: Uint8Array;
  try {
    // noble refuses a low-order point (an all-zero shared secret).
    shared = x25519.getSharedSecret(exchangeSecret, ephemeralPublic);
  } catch {
    return err({ kind: "undeliverable" });
  }
  const key = deliveryKey(shared, ephemeralPublic, x25519.getPublicKey(exchangeSecret), context);
  const opened = open(key, delivery.subarray(32), deliveryAd(context));
  shared.fill(0);
  key.fill(0);
  if (!opened.ok || opened.value.length !== VAULT_KEY_LENGTH) return err({ kind: "undeliverable" });
  return ok(opened.value as VaultKey);
};
