import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import {
  createDeviceKeyPairs,
  createNativeEd25519,
  nobleEd25519,
  deviceKeyPairsFromSecrets,
  signAsDevice,
  verifyDeviceSignature,
} from "./device-signing.ts";

test("Ed25519 matches RFC 8032 section 7.1, test 2", () => {
  const seed = hexToBytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  const keys = deviceKeyPairsFromSecrets(seed, new Uint8Array(32).fill(9));
  assert.equal(
    bytesToHex(keys.signingKey),
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
  );
  const signature = signAsDevice(seed, hexToBytes("72"));
  assert.equal(
    bytesToHex(signature),
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  );
  assert.equal(verifyDeviceSignature(keys.signingKey, hexToBytes("72"), signature), true);
});

test("X25519 public key matches RFC 7748 section 6.1 (Alice)", () => {
  const secret = hexToBytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const keys = deviceKeyPairsFromSecrets(new Uint8Array(32), secret);
  assert.equal(
    bytesToHex(keys.exchangeKey),
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
  );
});

test("a signature fails for another message, another key, a flipped bit or a wrong length", () => {
  const a = createDeviceKeyPairs();
  const b = createDeviceKeyPairs();
  const message = new TextEncoder().encode("event");
  const signature = signAsDevice(a.signingSeed, message);
  assert.equal(verifyDeviceSignature(a.signingKey, message, signature), true);
  assert.equal(verifyDeviceSignature(b.signingKey, message, signature), false);
  assert.equal(
    verifyDeviceSignature(a.signingKey, new TextEncoder().encode("evenT"), signature),
    false,
  );
  const flipped = signature.slice();
  flipped[10] = (flipped[10] as number) ^ 1;
  assert.equal(verifyDeviceSignature(a.signingKey, message, flipped), false);
  assert.equal(verifyDeviceSignature(a.signingKey, message, signature.subarray(0, 63)), false);
  assert.equal(verifyDeviceSignature(a.signingKey.subarray(1), message, signature), false);
  assert.equal(verifyDeviceSignature(new Uint8Array(32), message, signature), false);
  assert.notDeepEqual(a.signingKey, b.signingKey);
});

test("Node's native Ed25519 and noble's give the same signatures and accept each other's", () => {
  const native = createNativeEd25519();
  assert.ok(native !== undefined, "Node has a native Ed25519");
  for (let i = 0; i < 20; i++) {
    const keys = createDeviceKeyPairs();
    const message = new Uint8Array(i * 7).map((_, k) => (k * 31 + i) & 0xff);
    const a: Uint8Array = native.sign(keys.signingSeed, message);
    const b: Uint8Array = nobleEd25519.sign(keys.signingSeed, message);
    assert.equal(bytesToHex(a), bytesToHex(b));
    assert.equal(nobleEd25519.verify(keys.signingKey, message, a), true);
    assert.equal(native.verify(keys.signingKey, message, b), true);
    const bad = b.slice();
    bad[0] = (bad[0] as number) ^ 0x80;
    assert.equal(native.verify(keys.signingKey, message, bad), false);
    assert.equal(nobleEd25519.verify(keys.signingKey, message, bad), false);
  }
});
