import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex } from "@keypears/base";
import { createDeviceKeyPairs } from "./device-signing.ts";
import { KEY_DELIVERY_LENGTH, openKeyDelivery, sealKeyDelivery } from "./key-delivery.ts";
import { createVaultKey } from "./vault-keys.ts";

const context = {
  vaultId: "4b0f1a36-2b7e-4e4a-9a57-0c0d8e1f2a3b",
  deviceId: "0123456789abcdef",
  epoch: 1,
};

test("a delivered key opens with the recipient's exchange secret only", () => {
  const recipient = createDeviceKeyPairs();
  const other = createDeviceKeyPairs();
  const key = createVaultKey();
  const box = sealKeyDelivery(recipient.exchangeKey, key, context);
  assert.equal(box.length, KEY_DELIVERY_LENGTH);
  const opened = openKeyDelivery(recipient.exchangeSecret, box, context);
  assert.ok(opened.ok);
  assert.equal(bytesToHex(opened.value), bytesToHex(key));
  assert.deepEqual(openKeyDelivery(other.exchangeSecret, box, context), {
    ok: false,
    error: { kind: "undeliverable" },
  });
});

test("a delivery box is bound to its vault, device and epoch", () => {
  const recipient = createDeviceKeyPairs();
  const box = sealKeyDelivery(recipient.exchangeKey, createVaultKey(), context);
  for (const moved of [
    { ...context, epoch: 2 },
    { ...context, deviceId: "fedcba9876543210" },
    { ...context, vaultId: "5b0f1a36-2b7e-4e4a-9a57-0c0d8e1f2a3b" },
  ]) {
    assert.equal(openKeyDelivery(recipient.exchangeSecret, box, moved).ok, false);
  }
  const flipped = box.slice();
  flipped[50] = (flipped[50] as number) ^ 1;
  assert.equal(openKeyDelivery(recipient.exchangeSecret, flipped, context).ok, false);
  // A low-order ephemeral point (all zeros) is refused, not turned into an all-zero key.
  const zero = box.slice();
  zero.fill(0, 0, 32);
  assert.equal(openKeyDelivery(recipient.exchangeSecret, zero, context).ok, false);
  assert.equal(openKeyDelivery(recipient.exchangeSecret, box.subarray(1), context).ok, false);
});
