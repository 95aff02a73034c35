/**
 * The key-derivation vectors of the protocol specification (docs/protocol/vectors/
 * key-derivation.json), checked against this implementation, so the document cannot drift.
 */

import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { accountKeysFromPasswordKey, derivePasswordKey, type PasswordKey } from "./account-keys.ts";
import { open } from "./aead.ts";
import { type AssociatedData, associatedData } from "./associated-data.ts";
import type { KdfParams } from "./argon2id.ts";
import { deriveDeviceKey, openSecretKey, sealSecretKey } from "./device-key.ts";
import { hkdfSha256 } from "./hkdf.ts";
import { LABELS } from "./labels.ts";
import { formatSecretKey, parseSecretKey, type SecretKey } from "./secret-key.ts";
import { deriveVaultKeys, unwrapVaultKey, type VaultKey, wrapVaultKey } from "./vault-keys.ts";

interface Box {
  readonly nonce: string;
  readonly associatedData: string;
  readonly sealed: string;
}
interface KeyVector {
  readonly address: string;
  readonly password: string;
  readonly passwordNfkc: string;
  readonly salt: string;
  readonly kdf: KdfParams;
  readonly secretKey: string;
  readonly secretKeyText: string;
  readonly argon2Salt: string;
  readonly passwordKey: string;
  readonly deviceKey: string;
  readonly rootKey: string;
  readonly wrapKey: string;
  readonly authSecret: string;
  readonly vaultId: string;
  readonly vaultKey: string;
  readonly eventKey: string;
  readonly storeKey: string;
  readonly indexKey: string;
  readonly wrappedVaultKey: Box;
  readonly sealedSecretKey: Box;
}

const file = new URL("../../../docs/protocol/vectors/key-derivation.json", import.meta.url);
const { vectors } = JSON.parse(readFileSync(file, "utf8")) as { vectors: KeyVector[] };

const fixedNonce = (hex: string) => (length: number) => {
  assert.equal(length, 24);
  return hexToBytes(hex);
};

it("has vectors", () => assert.ok(vectors.length > 0));

for (const v of vectors) {
  it(`derives every key of ${v.address} as the specification says`, async () => {
    const salt = hexToBytes(v.salt);
    const secretKey = hexToBytes(v.secretKey) as SecretKey;
    assert.equal(v.password.normalize("NFKC"), v.passwordNfkc);
    const addressBytes = utf8ToBytes(v.address);
    const length = Uint8Array.of(0, 0, 0, addressBytes.length);
    assert.equal(
      bytesToHex(sha256(concatBytes(utf8ToBytes(LABELS.argon2Salt), length, addressBytes, salt))),
      v.argon2Salt,
    );
    const passwordKey = await derivePasswordKey({
      password: v.password,
      salt,
      address: v.address,
      params: v.kdf,
    });
    assert.ok(passwordKey.ok);
    assert.equal(bytesToHex(passwordKey.value), v.passwordKey);
    assert.equal(bytesToHex(deriveDeviceKey(passwordKey.value)), v.deviceKey);
    const rootKey = hkdfSha256(
      concatBytes(passwordKey.value, secretKey),
      salt,
      utf8ToBytes(LABELS.rootKeyPrefix + v.address),
      32,
    );
    assert.equal(bytesToHex(rootKey), v.rootKey);
    const keys = accountKeysFromPasswordKey(
      hexToBytes(v.passwordKey) as PasswordKey,
      secretKey,
      salt,
      v.address,
    );
    assert.equal(bytesToHex(keys.wrapKey), v.wrapKey);
    assert.equal(bytesToHex(keys.authSecret), v.authSecret);

    const vaultKeys = deriveVaultKeys(hexToBytes(v.vaultKey) as VaultKey);
    assert.equal(bytesToHex(vaultKeys.eventKey), v.eventKey);
    assert.equal(bytesToHex(vaultKeys.storeKey), v.storeKey);
    assert.equal(bytesToHex(vaultKeys.indexKey), v.indexKey);
  });

  it(`formats and parses the Secret Key of ${v.address}`, () => {
    const secretKey = hexToBytes(v.secretKey) as SecretKey;
    assert.equal(formatSecretKey(secretKey), v.secretKeyText);
    const parsed = parseSecretKey(v.secretKeyText.toLowerCase().replaceAll("-", " "));
    assert.ok(parsed.ok);
    assert.equal(bytesToHex(parsed.value), v.secretKey);
  });

  it(`wraps the vault key and seals the Secret Key of ${v.address} byte for byte`, () => {
    const wrapKey = hexToBytes(v.wrapKey) as Parameters<typeof wrapVaultKey>[0];
    const context = { address: v.address, vaultId: v.vaultId };
    const vaultKey = hexToBytes(v.vaultKey) as VaultKey;
    assert.equal(
      bytesToHex(associatedData("vault-key", v.address, v.vaultId)),
      v.wrappedVaultKey.associatedData,
    );
    const wrapped = wrapVaultKey(wrapKey, vaultKey, context, fixedNonce(v.wrappedVaultKey.nonce));
    assert.equal(bytesToHex(wrapped), v.wrappedVaultKey.sealed);
    const unwrapped = unwrapVaultKey(wrapKey, hexToBytes(v.wrappedVaultKey.sealed), context);
    assert.ok(unwrapped.ok);
    assert.equal(bytesToHex(unwrapped.value), v.vaultKey);
    // The layout: version, nonce, then ciphertext and tag under the stated associated data.
    const sealed = hexToBytes(v.wrappedVaultKey.sealed);
    assert.equal(sealed[0], 1);
    assert.equal(bytesToHex(sealed.subarray(1, 25)), v.wrappedVaultKey.nonce);
    assert.ok(
      open(wrapKey, sealed, hexToBytes(v.wrappedVaultKey.associatedData) as AssociatedData).ok,
    );

    const deviceKey = hexToBytes(v.deviceKey) as ReturnType<typeof deriveDeviceKey>;
    const secretKey = hexToBytes(v.secretKey) as SecretKey;
    assert.equal(
      bytesToHex(associatedData("secret-key", v.address)),
      v.sealedSecretKey.associatedData,
    );
    assert.equal(
      bytesToHex(
        sealSecretKey(deviceKey, secretKey, v.address, fixedNonce(v.sealedSecretKey.nonce)),
      ),
      v.sealedSecretKey.sealed,
    );
    const opened = openSecretKey(deviceKey, hexToBytes(v.sealedSecretKey.sealed), v.address);
    assert.ok(opened.ok);
    assert.equal(bytesToHex(opened.value), v.secretKey);
  });
}
