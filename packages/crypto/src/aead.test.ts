import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@keypears/base";
import { open, seal, SEALED_OVERHEAD } from "./aead.ts";
import { associatedData, type AssociatedData } from "./associated-data.ts";
import { createSeededRandomBytes, fixedRandomBytes } from "./testing/seeded-random.ts";

// draft-irtf-cfrg-xchacha-03 §A.3.1
const kat = {
  key: hexToBytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
  nonce: hexToBytes("404142434445464748494a4b4c4d4e4f5051525354555657"),
  ad: hexToBytes("50515253c0c1c2c3c4c5c6c7") as AssociatedData,
  plaintext: utf8ToBytes(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ),
  ciphertext:
    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb" +
    "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452" +
    "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9" +
    "21f9664c97637da9768812f615c68b13b52e",
  tag: "c0875924c1c7987947deafd8780acf49",
};

const random = createSeededRandomBytes("aead");
const key = random(32);
const ad = associatedData("test", "item-1", 7);
const plaintext = utf8ToBytes("hunter2");

test("seal reproduces the XChaCha20-Poly1305 vector of draft-irtf-cfrg-xchacha-03 §A.3.1 inside its envelope", () => {
  const sealed = seal(kat.key, kat.plaintext, kat.ad, fixedRandomBytes(kat.nonce));
  assert.equal(bytesToHex(sealed), "01" + bytesToHex(kat.nonce) + kat.ciphertext + kat.tag);
  const opened = open(kat.key, sealed, kat.ad);
  assert.ok(opened.ok);
  assert.deepEqual(opened.value, kat.plaintext);
});

test("seal then open round-trips, including the empty message", () => {
  for (const message of [plaintext, new Uint8Array(0), random(5000)]) {
    const sealed = seal(key, message, ad, random);
    assert.equal(sealed.length, message.length + SEALED_OVERHEAD);
    assert.deepEqual(open(key, sealed, ad), { ok: true, value: message });
  }
});

test("each seal draws a fresh nonce", () => {
  const a = seal(key, plaintext, ad, random);
  const b = seal(key, plaintext, ad, random);
  assert.notDeepEqual(a.subarray(1, 25), b.subarray(1, 25));
  assert.notDeepEqual(a, b);
});

const failed = { ok: false, error: { kind: "decrypt-failed" } };

test("flipping any single bit of a sealed box makes open fail", () => {
  const sealed = seal(key, plaintext, ad, random);
  for (let bit = 0; bit < sealed.length * 8; bit++) {
    const tampered = sealed.slice();
    tampered[bit >> 3]! ^= 1 << (bit & 7);
    assert.deepEqual(open(key, tampered, ad), failed, `bit ${bit}`);
  }
});

test("truncated or extended boxes fail", () => {
  const sealed = seal(key, plaintext, ad, random);
  for (let length = 0; length < sealed.length; length++) {
    assert.deepEqual(open(key, sealed.subarray(0, length), ad), failed, `length ${length}`);
  }
  const extended = new Uint8Array(sealed.length + 1);
  extended.set(sealed);
  assert.deepEqual(open(key, extended, ad), failed);
});

test("another key, other associated data or an unknown version fail", () => {
  const sealed = seal(key, plaintext, ad, random);
  assert.deepEqual(open(random(32), sealed, ad), failed);
  assert.deepEqual(open(key, sealed, associatedData("test", "item-2", 7)), failed);
  assert.deepEqual(open(key, sealed, associatedData("test", "item-1", 8)), failed);
  assert.deepEqual(open(key, sealed, associatedData("other", "item-1", 7)), failed);
  for (const version of [0, 2, 255]) {
    const changed = sealed.slice();
    changed[0] = version;
    assert.deepEqual(open(key, changed, ad), failed, `version ${version}`);
  }
  assert.deepEqual(open(key, "not bytes" as unknown as Uint8Array, ad), failed);
});

test("a key of the wrong length is misuse and throws", () => {
  assert.throws(
    () => seal(new Uint8Array(16), plaintext, ad, random),
    /expected 32-byte key, got 16/,
  );
  assert.throws(
    () => open(new Uint8Array(31), new Uint8Array(64), ad),
    /expected 32-byte key, got 31/,
  );
  assert.throws(
    () => seal(key, plaintext, ad, () => new Uint8Array(12)),
    /returned 12 bytes, expected 24/,
  );
});
