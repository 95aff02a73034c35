import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, concatBytes, utf8ToBytes } from "@keypears/base";
import { argon2id as nobleArgon2id } from "@noble/hashes/argon2.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { createAccountSecrets, deriveAccountKeys, type AccountKeys } from "./account-keys.ts";
import { DEFAULT_KDF_PARAMS, type KdfParams } from "./argon2id.ts";
import type { SecretKey } from "./secret-key.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";
import { createVaultKey, unwrapVaultKey, wrapVaultKey } from "./vault-keys.ts";

// Tests about the key hierarchy, not about Argon2's cost, run it with 64 KiB through the explicit test-only escape.
const fastParams: KdfParams = {
  algorithm: "argon2id",
  memoryKiB: 64,
  iterations: 1,
  parallelism: 1,
};
const unsafeFloorForTests = { memoryKiB: 8, iterations: 1, parallelism: 1 };
const random = createSeededRandomBytes("account-keys");
const address = "alice@example.com";

const derive = async (
  password: string,
  secretKey: SecretKey,
  salt: Uint8Array,
  at = address,
): Promise<AccountKeys> => {
  const result = await deriveAccountKeys({
    password,
    secretKey,
    salt,
    address: at,
    params: fastParams,
    unsafeFloorForTests,
  });
  assert.ok(result.ok);
  return result.value;
};

test("account keys follow the documented construction, recomputed here from noble's primitives", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const keys = await derive("correct horse", secretKey, salt);

  const addressBytes = utf8ToBytes(address);
  const argonSalt = sha256(
    concatBytes(
      utf8ToBytes("keypears/v1/argon2-salt"),
      Uint8Array.of(0, 0, 0, addressBytes.length),
      addressBytes,
      salt,
    ),
  );
  const passwordKey = nobleArgon2id(utf8ToBytes("correct horse"), argonSalt, {
    m: 64,
    t: 1,
    p: 1,
    dkLen: 32,
  });
  const rootKey = hkdf(
    sha256,
    concatBytes(passwordKey, secretKey),
    salt,
    utf8ToBytes(`keypears/v1/root|${address}`),
    32,
  );
  const subkey = (label: string) =>
    bytesToHex(hkdf(sha256, rootKey, undefined, utf8ToBytes(label), 32));
  assert.equal(bytesToHex(keys.wrapKey), subkey("keypears/v1/wrap-key"));
  assert.equal(bytesToHex(keys.authSecret), subkey("keypears/v1/auth"));
});

test("createAccountSecrets makes a 16-byte Secret Key and a 16-byte salt", () => {
  const a = createAccountSecrets(random);
  const b = createAccountSecrets(random);
  assert.equal(a.secretKey.length, 16);
  assert.equal(a.salt.length, 16);
  assert.notDeepEqual(a.secretKey, b.secretKey);
  assert.notDeepEqual(a.salt, b.salt);
});

test("every input changes both keys, and the wrap key differs from the auth secret", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const base = await derive("pw", secretKey, salt);
  assert.notDeepEqual(base.wrapKey, base.authSecret);
  assert.deepEqual(await derive("pw", secretKey, salt), base);
  const variants = [
    await derive("pw!", secretKey, salt),
    await derive("pw", createAccountSecrets(random).secretKey, salt),
    await derive("pw", secretKey, createAccountSecrets(random).salt),
    await derive("pw", secretKey, salt, "bob@example.com"),
  ];
  for (const variant of variants) {
    assert.notDeepEqual(variant.wrapKey, base.wrapKey);
    assert.notDeepEqual(variant.authSecret, base.authSecret);
  }
});

test("the password is NFKC-normalized, so the same text from another keyboard gives the same keys", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const composed = await derive("caf\u00e9 \ufb01sh", secretKey, salt);
  assert.deepEqual(await derive("cafe\u0301 fish", secretKey, salt), composed);
  assert.notDeepEqual(await derive("cafe fish", secretKey, salt), composed);
});

test("a server's weak parameters are refused on the production path", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const result = await deriveAccountKeys({
    password: "pw",
    secretKey,
    salt,
    address,
    params: fastParams,
  });
  assert.deepEqual(result, {
    ok: false,
    error: {
      kind: "kdf-params-too-weak",
      message: "KDF memory 64 KiB is below this client's floor of 65536 KiB",
    },
  });
});

test("the default parameters work end to end without any test escape", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const result = await deriveAccountKeys({
    password: "pw",
    secretKey,
    salt,
    address,
    params: DEFAULT_KDF_PARAMS,
  });
  assert.ok(result.ok);
  assert.equal(result.value.wrapKey.length, 32);
});

test("a wrong password and a wrong Secret Key give the same wrong-credentials error", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const keys = await derive("right password", secretKey, salt);
  const vaultKey = createVaultKey(random);
  const context = { address, vaultId: "vault-1" };
  const wrapped = wrapVaultKey(keys.wrapKey, vaultKey, context, random);
  assert.deepEqual(unwrapVaultKey(keys.wrapKey, wrapped, context), { ok: true, value: vaultKey });

  const wrongPassword = await derive("wrong password", secretKey, salt);
  const wrongSecretKey = await derive(
    "right password",
    createAccountSecrets(random).secretKey,
    salt,
  );
  const byPassword = unwrapVaultKey(wrongPassword.wrapKey, wrapped, context);
  const bySecretKey = unwrapVaultKey(wrongSecretKey.wrapKey, wrapped, context);
  assert.deepEqual(byPassword, { ok: false, error: { kind: "wrong-credentials" } });
  assert.deepEqual(bySecretKey, byPassword);
});

test("a password change derives new keys with a new salt and rewraps; the old wrap no longer opens", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const context = { address, vaultId: "vault-1" };
  const vaultKey = createVaultKey(random);
  const oldKeys = await derive("old password", secretKey, salt);
  const oldWrap = wrapVaultKey(oldKeys.wrapKey, vaultKey, context, random);

  const newSalt = createAccountSecrets(random).salt;
  const newKeys = await derive("new password", secretKey, newSalt);
  const opened = unwrapVaultKey(oldKeys.wrapKey, oldWrap, context);
  assert.ok(opened.ok);
  const newWrap = wrapVaultKey(newKeys.wrapKey, opened.value, context, random);

  assert.deepEqual(unwrapVaultKey(newKeys.wrapKey, newWrap, context), {
    ok: true,
    value: vaultKey,
  });
  assert.equal(unwrapVaultKey(newKeys.wrapKey, oldWrap, context).ok, false);
  assert.equal(unwrapVaultKey(oldKeys.wrapKey, newWrap, context).ok, false);
  assert.notDeepEqual(newKeys.authSecret, oldKeys.authSecret);
});

test("a stolen server database plus traffic cannot confirm even the right password without the Secret Key", async () => {
  // What the server holds and sees: address, salt, KDF parameters and the auth secret itself.
  const { secretKey, salt } = createAccountSecrets(random);
  const weakPassword = "123456";
  const { authSecret } = await derive(weakPassword, secretKey, salt);

  // The attacker's best guess of the password is right, but the Secret Key has to be guessed too.
  for (let i = 0; i < 20; i++) {
    const guess = await derive(weakPassword, createAccountSecrets(random).secretKey, salt);
    assert.notDeepEqual(guess.authSecret, authSecret);
  }
  // With the Secret Key (which only the user's devices hold) the same guess matches: the check above is not vacuous.
  assert.deepEqual((await derive(weakPassword, secretKey, salt)).authSecret, authSecret);
});

test("misuse throws: wrong Secret Key or salt length, empty address", async () => {
  const { secretKey, salt } = createAccountSecrets(random);
  const input = {
    password: "pw",
    secretKey,
    salt,
    address,
    params: fastParams,
    unsafeFloorForTests,
  };
  await assert.rejects(
    deriveAccountKeys({ ...input, secretKey: new Uint8Array(15) as SecretKey }),
    /expected 16-byte Secret Key, got 15/,
  );
  await assert.rejects(
    deriveAccountKeys({ ...input, salt: new Uint8Array(8) }),
    /expected 16-byte account salt, got 8/,
  );
  await assert.rejects(deriveAccountKeys({ ...input, address: "" }), /non-empty account address/);
});
