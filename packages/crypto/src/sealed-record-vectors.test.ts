/** The sealing layer against docs/protocol/vectors/sealed-records.json: associated-data bytes, the AEAD box, and the two wrapped keys. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@keypears/base";
import type { WrapKey } from "./account-keys.ts";
import { AEAD_VERSION, nobleXChaCha, open, seal } from "./aead.ts";
import { associatedData, type AssociatedData } from "./associated-data.ts";
import { type DeviceKey, openSecretKey, sealSecretKey } from "./device-key.ts";
import type { SecretKey } from "./secret-key.ts";
import { deriveVaultKeys, unwrapVaultKey, type VaultKey, wrapVaultKey } from "./vault-keys.ts";

type Part = { readonly string: string } | { readonly number: number } | { readonly bytes: string };

interface Vector {
  readonly name: string;
  readonly type: string;
  readonly key: "eventKey" | "storeKey" | "wrapKey" | "deviceKey";
  readonly nonce: string;
  readonly associatedData: {
    readonly purpose: string;
    readonly parts: readonly Part[];
    readonly hex: string;
  };
  readonly record: Readonly<Record<string, string>>;
  readonly plaintext: string;
  readonly sealed: string;
}

const file = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "../../../docs/protocol/vectors/sealed-records.json"),
    "utf8",
  ),
) as {
  readonly keys: Readonly<Record<string, string>>;
  readonly vectors: readonly Vector[];
};

const keyOf = (vector: Vector): Uint8Array => hexToBytes(file.keys[vector.key] ?? "");
const vectorOf = (type: string): Vector => {
  const found = file.vectors.find((v) => v.type === type);
  assert.ok(found !== undefined, `the file has a ${type} vector`);
  return found;
};
const nonceSource = (vector: Vector) => (length: number) => {
  assert.equal(length, 24, "a seal draws exactly one 24-byte nonce");
  return hexToBytes(vector.nonce);
};

/** The associated-data encoding written again from its specification, to check the code's against. */
const specAssociatedData = (purpose: string, parts: readonly Part[]): Uint8Array => {
  const chunks: number[] = [...utf8ToBytes(`keypears/v1/${purpose}`), 0];
  const lengthPrefixed = (tag: number, bytes: Uint8Array) => {
    chunks.push(tag, ...[24, 16, 8, 0].map((shift) => (bytes.length >>> shift) & 0xff), ...bytes);
  };
  for (const part of parts) {
    if ("string" in part) lengthPrefixed(0x02, utf8ToBytes(part.string));
    else if ("bytes" in part) lengthPrefixed(0x01, hexToBytes(part.bytes));
    else {
      const big = BigInt(part.number);
      chunks.push(
        0x03,
        ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((big >> s) & 0xffn)),
      );
    }
  }
  return Uint8Array.from(chunks);
};

const codeAssociatedData = (vector: Vector): AssociatedData =>
  associatedData(
    vector.associatedData.purpose,
    ...vector.associatedData.parts.map((part) =>
      "string" in part ? part.string : "number" in part ? part.number : hexToBytes(part.bytes),
    ),
  );

test("the vector file covers every sealed record type", () => {
  assert.deepEqual(
    new Set(file.vectors.map((v) => v.type)),
    new Set(["event", "item-state", "item-view", "history", "vault-key", "secret-key", "snapshot"]),
  );
});

test("the purpose keys of the vectors derive from their vault key", () => {
  const keys = deriveVaultKeys(hexToBytes(file.keys.vaultKey ?? "") as VaultKey);
  assert.equal(bytesToHex(keys.eventKey), file.keys.eventKey);
  assert.equal(bytesToHex(keys.storeKey), file.keys.storeKey);
  assert.equal(bytesToHex(keys.indexKey), file.keys.indexKey);
});

for (const vector of file.vectors) {
  test(`${vector.name}: the associated data is exactly the specified bytes`, () => {
    const spec = bytesToHex(
      specAssociatedData(vector.associatedData.purpose, vector.associatedData.parts),
    );
    assert.equal(vector.associatedData.hex, spec, "the file follows the specified encoding");
    assert.equal(bytesToHex(codeAssociatedData(vector)), spec, "the code encodes it the same way");
  });

  test(`${vector.name}: the box is version, nonce and the XChaCha20-Poly1305 ciphertext, in the reference and the native cipher`, () => {
    const key = keyOf(vector);
    const nonce = hexToBytes(vector.nonce);
    const ad = hexToBytes(vector.associatedData.hex);
    const plaintext = hexToBytes(vector.plaintext);
    const reference = nobleXChaCha.encrypt(key, nonce, ad, plaintext);
    assert.equal(
      vector.sealed,
      bytesToHex(Uint8Array.of(AEAD_VERSION, ...nonce, ...reference)),
      "the file's box is the reference cipher's",
    );
    const sealed = seal(key, plaintext, codeAssociatedData(vector), nonceSource(vector));
    assert.equal(bytesToHex(sealed), vector.sealed, "seal makes the same bytes");
    const opened = open(key, hexToBytes(vector.sealed), codeAssociatedData(vector));
    assert.equal(opened.ok ? bytesToHex(opened.value) : "", vector.plaintext);
  });

  test(`${vector.name}: the box opens under no other associated data`, () => {
    const key = keyOf(vector);
    const sealed = hexToBytes(vector.sealed);
    const { purpose, parts } = vector.associatedData;
    for (let index = 0; index < parts.length; index++) {
      const changed = parts.map((part, i) =>
        i !== index
          ? part
          : "string" in part
            ? { string: `${part.string}x` }
            : "number" in part
              ? { number: part.number + 1 }
              : { bytes: `${part.bytes}00` },
      );
      const ad = specAssociatedData(purpose, changed) as AssociatedData;
      assert.equal(open(key, sealed, ad).ok, false, `part ${index} changed`);
    }
    const dropped = specAssociatedData(purpose, parts.slice(0, -1)) as AssociatedData;
    assert.equal(open(key, sealed, dropped).ok, false, "last part left out");
    const otherPurpose = specAssociatedData(`${purpose}x`, parts) as AssociatedData;
    assert.equal(open(key, sealed, otherPurpose).ok, false, "another purpose");
  });
}

test("a wrapped vault key is exactly the vector's bytes, and is bound to its account and vault", () => {
  const vector = vectorOf("vault-key");
  const wrapKey = keyOf(vector) as WrapKey;
  const vaultKey = hexToBytes(vector.plaintext) as VaultKey;
  const context = { address: vector.record.address ?? "", vaultId: vector.record.vaultId ?? "" };
  assert.equal(
    bytesToHex(wrapVaultKey(wrapKey, vaultKey, context, nonceSource(vector))),
    vector.sealed,
  );
  const wrapped = hexToBytes(vector.sealed);
  assert.deepEqual(unwrapVaultKey(wrapKey, wrapped, context), { ok: true, value: vaultKey });
  const refused = { ok: false, error: { kind: "wrong-credentials" } };
  assert.deepEqual(
    unwrapVaultKey(wrapKey, wrapped, { ...context, address: "mallory@example.com" }),
    refused,
  );
  assert.deepEqual(
    unwrapVaultKey(wrapKey, wrapped, {
      ...context,
      vaultId: "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d6",
    }),
    refused,
  );
});

test("a sealed Secret Key is exactly the vector's bytes, and is bound to its account", () => {
  const vector = vectorOf("secret-key");
  const deviceKey = keyOf(vector) as DeviceKey;
  const secretKey = hexToBytes(vector.plaintext) as SecretKey;
  const address = vector.record.address ?? "";
  assert.equal(
    bytesToHex(sealSecretKey(deviceKey, secretKey, address, nonceSource(vector))),
    vector.sealed,
  );
  const sealed = hexToBytes(vector.sealed);
  assert.deepEqual(openSecretKey(deviceKey, sealed, address), { ok: true, value: secretKey });
  assert.deepEqual(openSecretKey(deviceKey, sealed, "mallory@example.com"), {
    ok: false,
    error: { kind: "wrong-credentials" },
  });
});
