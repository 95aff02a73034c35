import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex } from "@keypears/base";
import { createDeviceKeyPairs, deviceKeyPairsFromSecrets } from "./device-signing.ts";
import { KEY_DELIVERY_LENGTH, openKeyDelivery, sealKeyDelivery } from "./key-delivery.ts";
import { createVaultKey, type VaultKey } from "./vault-keys.ts";

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

test("known answer (docs/PROTOCOL.md 16.7): exchange secret 02×32, ephemeral secret 03×32, nonce 04×24, key 05×32", () => {
  const recipient = deviceKeyPairsFromSecrets(
    new Uint8Array(32).fill(1),
    new Uint8Array(32).fill(2),
  );
  let calls = 0;
  const random = (n: number) => new Uint8Array(n).fill(++calls === 1 ? 3 : 4);
  const key = new Uint8Array(32).fill(5) as VaultKey;
  const box = sealKeyDelivery(recipient.exchangeKey, key, context, random);
  assert.equal(
    bytesToHex(recipient.exchangeKey),
    "ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59",
  );
  assert.equal(
    bytesToHex(box),
    "5dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef22" +
      "01" +
      "040404040404040404040404040404040404040404040404" +
      "38d2b953934560095949d5658a2e92490be88b203fd2f3d579a5f6078605774927f65c39b72b81b1bd32c809b7b9fe5f",
  );
  const opened = openKeyDelivery(recipient.exchangeSecret, box, context);
  assert.ok(opened.ok);
  assert.equal(bytesToHex(opened.value), bytesToHex(key));
});
