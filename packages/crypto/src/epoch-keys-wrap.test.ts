import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex } from "@keypears/base";
import type { WrapKey } from "./account-keys.ts";
import { open, SEALED_OVERHEAD } from "./aead.ts";
import { associatedData } from "./associated-data.ts";
import {
  MAX_WRAPPED_EPOCHS,
  unwrapEpochKeys,
  wrapEpochKeys,
  wrappedEpochCount,
} from "./epoch-keys-wrap.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";
import { createVaultKey, type VaultKey, wrapVaultKey } from "./vault-keys.ts";

const random = createSeededRandomBytes("epoch-keys-wrap");
const wrapKey = random(32) as WrapKey;
const context = { address: "alice@example.com", vaultId: "vault-1" };
const wrongCredentials = { ok: false, error: { kind: "wrong-credentials" } };

test("every epoch's key comes back, oldest first", () => {
  const keys = [createVaultKey(random), createVaultKey(random), createVaultKey(random)];
  const wrapped = wrapEpochKeys(wrapKey, keys, context, random);
  assert.equal(wrapped.length, 5 + 32 * 3 + SEALED_OVERHEAD);
  assert.deepEqual(unwrapEpochKeys(wrapKey, wrapped, context), { ok: true, value: keys });
});

test("the version-1 form (vault key 0 alone) still opens, as one epoch", () => {
  const key = createVaultKey(random);
  const wrapped = wrapVaultKey(wrapKey, key, context, random);
  assert.deepEqual(unwrapEpochKeys(wrapKey, wrapped, context), { ok: true, value: [key] });
});

test("another wrap key, vault or account, or one flipped bit: wrong-credentials", () => {
  const wrapped = wrapEpochKeys(wrapKey, [createVaultKey(random), createVaultKey(random)], context);
  const otherKey = random(32) as WrapKey;
  assert.deepEqual(unwrapEpochKeys(otherKey, wrapped, context), wrongCredentials);
  assert.deepEqual(
    unwrapEpochKeys(wrapKey, wrapped, { ...context, vaultId: "vault-2" }),
    wrongCredentials,
  );
  assert.deepEqual(
    unwrapEpochKeys(wrapKey, wrapped, { ...context, address: "bob@example.com" }),
    wrongCredentials,
  );
  const flipped = wrapped.slice();
  flipped[40] = (flipped[40] as number) ^ 1;
  assert.deepEqual(unwrapEpochKeys(wrapKey, flipped, context), wrongCredentials);
});

test("misuse throws: no keys, too many, a short key", () => {
  assert.throws(() => wrapEpochKeys(wrapKey, [], context), /expected 1 to 256 epoch keys, got 0/);
  const many = Array.from({ length: MAX_WRAPPED_EPOCHS + 1 }, () => createVaultKey(random));
  assert.throws(() => wrapEpochKeys(wrapKey, many, context), /got 257/);
  assert.throws(
    () => wrapEpochKeys(wrapKey, [new Uint8Array(16) as VaultKey], context),
    /vault key of epoch 0/,
  );
});

test("known answer (docs/PROTOCOL.md 16.7): wrap key 01×32, keys 0a×32 and 0b×32, nonce 0c×24", () => {
  const keys = [new Uint8Array(32).fill(10), new Uint8Array(32).fill(11)] as VaultKey[];
  const fixed = (n: number) => new Uint8Array(n).fill(12);
  const wrapped = wrapEpochKeys(new Uint8Array(32).fill(1) as WrapKey, keys, context, fixed);
  assert.equal(
    bytesToHex(wrapped),
    "010c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c1146b6721d790e54b656afe0d60a1d16b659876081eb541fc71a4bb1856ba3f5abc37255e349988ab6bc320d40d7b85c4ce4f17e0f0799ef8853274a7ff0db5dc4139761fe689c891c022e46d7f28e9fc2856064ea",
  );
  // The plaintext layout, read with the plain AEAD: 0x02, newest epoch 1, then the two keys.
  const plain = open(
    new Uint8Array(32).fill(1),
    wrapped,
    associatedData("vault-key", context.address, context.vaultId),
  );
  assert.ok(plain.ok);
  assert.equal(bytesToHex(plain.value), "0200000001" + "0a".repeat(32) + "0b".repeat(32));
});

test("the epoch count shows in the length: 1 for the version-1 form, e + 1 after", () => {
  const one = wrapVaultKey(wrapKey, createVaultKey(random), context, random);
  assert.equal(wrappedEpochCount(one), 1);
  const keys = [createVaultKey(random), createVaultKey(random), createVaultKey(random)];
  assert.equal(wrappedEpochCount(wrapEpochKeys(wrapKey, keys, context, random)), 3);
  assert.equal(wrappedEpochCount(new Uint8Array(72)), undefined);
});
