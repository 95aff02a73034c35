import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { nobleXChaCha } from "./aead.ts";
import { createNativeXChaCha } from "./xchacha-native.ts";

const native = createNativeXChaCha();

test("the native cipher is available on this platform (Node, little-endian)", () => {
  assert.ok(native !== undefined);
});

test("property: the native cipher's output is byte for byte noble's, and each opens the other's", () => {
  assert.ok(native !== undefined);
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 24, maxLength: 24 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 600 }),
      (key, nonce, ad, plaintext) => {
        const mine = native.encrypt(key, nonce, ad, plaintext);
        assert.deepEqual(mine, nobleXChaCha.encrypt(key, nonce, ad, plaintext));
        assert.deepEqual(nobleXChaCha.decrypt(key, nonce, ad, mine), plaintext);
        assert.deepEqual(native.decrypt(key, nonce, ad, mine), plaintext);
      },
    ),
  );
});

test("the native cipher refuses a flipped bit, other associated data, and a short box", () => {
  assert.ok(native !== undefined);
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(24).fill(9);
  const sealed = native.encrypt(key, nonce, Uint8Array.of(1), Uint8Array.of(1, 2, 3));
  const flipped = sealed.slice();
  flipped[0]! ^= 1;
  assert.equal(native.decrypt(key, nonce, Uint8Array.of(1), flipped), undefined);
  assert.equal(native.decrypt(key, nonce, Uint8Array.of(2), sealed), undefined);
  assert.equal(native.decrypt(key, nonce, Uint8Array.of(1), sealed.subarray(0, 10)), undefined);
});

test("both ciphers leave the asked headroom in front of the same ciphertext", () => {
  assert.ok(native !== undefined);
  const key = new Uint8Array(32).fill(5);
  const nonce = new Uint8Array(24).fill(6);
  const plain = Uint8Array.of(1, 2, 3, 4);
  const bare = nobleXChaCha.encrypt(key, nonce, new Uint8Array(0), plain);
  for (const cipher of [native, nobleXChaCha]) {
    const roomy = cipher.encrypt(key, nonce, new Uint8Array(0), plain, 25);
    assert.equal(roomy.length, 25 + bare.length);
    assert.deepEqual(roomy.subarray(25), bare);
  }
});
