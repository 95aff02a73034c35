import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, utf8ToBytes } from "@keypears/base";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { WrapKey } from "./account-keys.ts";
import { SEALED_OVERHEAD } from "./aead.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";
import {
  createVaultKey,
  deriveVaultKeys,
  unwrapVaultKey,
  type VaultKey,
  wrapVaultKey,
} from "./vault-keys.ts";
import { wipe } from "./wipe.ts";

const random = createSeededRandomBytes("vault-keys");
const wrapKey = random(32) as WrapKey;
const context = { address: "alice@example.com", vaultId: "vault-1" };
const wrongCredentials = { ok: false, error: { kind: "wrong-credentials" } };

test("a wrapped vault key opens with the same wrap key and context", () => {
  const vaultKey = createVaultKey(random);
  assert.equal(vaultKey.length, 32);
  const wrapped = wrapVaultKey(wrapKey, vaultKey, context, random);
  assert.equal(wrapped.length, 32 + SEALED_OVERHEAD);
  assert.deepEqual(unwrapVaultKey(wrapKey, wrapped, context), { ok: true, value: vaultKey });
});

test("a wrapped vault key cannot be moved to another vault or account, or altered", () => {
  const wrapped = wrapVaultKey(wrapKey, createVaultKey(random), context, random);
  assert.deepEqual(
    unwrapVaultKey(wrapKey, wrapped, { ...context, vaultId: "vault-2" }),
    wrongCredentials,
  );
  assert.deepEqual(
    unwrapVaultKey(wrapKey, wrapped, { ...context, address: "bob@example.com" }),
    wrongCredentials,
  );
  assert.deepEqual(unwrapVaultKey(random(32) as WrapKey, wrapped, context), wrongCredentials);
  const tampered = wrapped.slice();
  tampered[30]! ^= 0x80;
  assert.deepEqual(unwrapVaultKey(wrapKey, tampered, context), wrongCredentials);
  assert.deepEqual(unwrapVaultKey(wrapKey, wrapped.subarray(0, 40), context), wrongCredentials);
});

test("vault subkeys are the documented HKDF labels of the vault key, all distinct", () => {
  const vaultKey = createVaultKey(random);
  const keys = deriveVaultKeys(vaultKey);
  const expected = (label: string) =>
    bytesToHex(hkdf(sha256, vaultKey, undefined, utf8ToBytes(label), 32));
  assert.equal(bytesToHex(keys.eventKey), expected("keypears/v1/vault/events"));
  assert.equal(bytesToHex(keys.storeKey), expected("keypears/v1/vault/store"));
  assert.equal(bytesToHex(keys.indexKey), expected("keypears/v1/vault/index"));
  assert.equal(
    new Set([keys.eventKey, keys.storeKey, keys.indexKey, vaultKey].map(bytesToHex)).size,
    4,
  );
  assert.deepEqual(deriveVaultKeys(vaultKey), keys);
});

test("misuse throws: vault keys and wrap keys of the wrong length", () => {
  assert.throws(
    () => deriveVaultKeys(new Uint8Array(16) as VaultKey),
    /expected 32-byte vault key, got 16/,
  );
  assert.throws(
    () => wrapVaultKey(wrapKey, new Uint8Array(31) as VaultKey, context, random),
    /expected 32-byte vault key, got 31/,
  );
  assert.throws(
    () => wrapVaultKey(new Uint8Array(16) as WrapKey, createVaultKey(random), context, random),
    /expected 32-byte key, got 16/,
  );
});

test("wipe zeroes every buffer it is given", () => {
  const a = random(32);
  const b = random(7);
  wipe(a, b);
  assert.deepEqual(a, new Uint8Array(32));
  assert.deepEqual(b, new Uint8Array(7));
});
