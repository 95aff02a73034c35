import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  createNativeEd25519,
  nobleEd25519,
  signAsDevice,
  verifyDeviceSignature,
} from "./device-signing.ts";
import { isStrictEd25519Input } from "./ed25519-strictness.ts";
import { ED25519_EDGE_VECTORS } from "./testing/ed25519-edge-vectors.ts";
import { createWebCryptoSignatureCheck, type SubtleEd25519 } from "./webcrypto-ed25519.ts";

// This file runs in Node and in Chromium (vault-browser's crypto-known-answers test): WebCrypto
// is OpenSSL in the one and BoringSSL in the other; Node's native Ed25519 exists only in Node.

const answer = (verify: () => boolean): boolean | "throws" => {
  try {
    return verify();
  } catch {
    return "throws";
  }
};

/** WebCrypto's own answer, without the strictness rule ("no key" when the key does not import). */
const subtleAnswer = async (
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean | "no key"> => {
  const subtle = (globalThis as unknown as { crypto: { subtle: SubtleEd25519 } }).crypto.subtle;
  let key: unknown;
  try {
    key = await subtle.importKey(
      "raw",
      publicKey as Uint8Array<ArrayBuffer>,
      { name: "Ed25519" },
      false,
      ["verify"],
    );
  } catch {
    return "no key";
  }
  return subtle.verify(
    "Ed25519",
    key,
    signature as Uint8Array<ArrayBuffer>,
    message as Uint8Array<ArrayBuffer>,
  );
};

test("the protocol's answer on every Ed25519 edge case is the vector's, here as on every platform", () => {
  const wrong = ED25519_EDGE_VECTORS.filter(
    (v) =>
      verifyDeviceSignature(v.publicKey, v.message, v.signature) !== v.valid ||
      isStrictEd25519Input(v.publicKey, v.signature) !== v.strict,
  ).map((v) => v.name);
  assert.deepEqual(wrong, []);
  assert.ok(ED25519_EDGE_VECTORS.length >= 17, "every case was built");
  assert.ok(ED25519_EDGE_VECTORS.some((v) => v.valid && v.strict));
  assert.ok(ED25519_EDGE_VECTORS.some((v) => !v.strict));
});

test("on what the strictness rule lets through, every cofactorless implementation here agrees: JavaScript, WebCrypto, Node's OpenSSL", async () => {
  const native = createNativeEd25519();
  const webCrypto = await createWebCryptoSignatureCheck();
  assert.ok(webCrypto !== undefined, "WebCrypto has Ed25519 (Node 20, Chromium 137+)");
  const disagreements: string[] = [];
  for (const v of ED25519_EDGE_VECTORS) {
    const answers = {
      javascript: v.strict
        ? answer(() => nobleEd25519.verify(v.publicKey, v.message, v.signature))
        : false,
      openssl:
        native === undefined || !v.strict
          ? v.valid
          : answer(() => native.verify(v.publicKey, v.message, v.signature)),
      webCrypto: await webCrypto(v.publicKey, v.message, v.signature),
      webCryptoUnchecked: v.strict
        ? await subtleAnswer(v.publicKey, v.message, v.signature)
        : false,
    };
    for (const [name, got] of Object.entries(answers))
      // A key that is no point cannot be imported or decoded: that is a refusal too.
      if (got !== v.valid && !(v.valid === false && (got === "throws" || got === "no key")))
        disagreements.push(`${v.name}: ${name} says ${String(got)}`);
  }
  assert.deepEqual(disagreements, []);
});

/**
 * Where the implementations disagree without the rule: why it exists. Recorded on Node 20's
 * OpenSSL, Chromium 156's BoringSSL and noble 2.4.0; the rule refuses every one of these inputs.
 */
test("without the strictness rule the implementations disagree on edge cases (recorded)", async () => {
  const noble = new Map(
    ED25519_EDGE_VECTORS.map((v) => [
      v.name,
      answer(() => ed25519.verify(v.signature, v.message, v.publicKey, { zip215: false })),
    ]),
  );
  // noble's verify is cofactored: it accepts a small-order or mixed-order R, and a mixed-order A
  // whatever k is, where the cofactorless equation refuses them.
  const nobleAccepts = ED25519_EDGE_VECTORS.filter((v) => noble.get(v.name) === true && !v.valid);
  assert.deepEqual(
    nobleAccepts.map((v) => v.name),
    [
      "small-order R (order 8), honest A, S = k·a",
      "mixed-order R ([r]B + a point of order 8), honest A",
      "mixed-order A, 8 does not divide k",
    ],
  );
  // WebCrypto (OpenSSL, BoringSSL) accepts small-order and non-canonical keys: one signature then
  // fits every message.
  const subtleAccepts: string[] = [];
  for (const v of ED25519_EDGE_VECTORS)
    if (!v.valid && (await subtleAnswer(v.publicKey, v.message, v.signature)) === true)
      subtleAccepts.push(v.name);
  assert.deepEqual(subtleAccepts, [
    "small-order A (the identity), S = L - 1, R = [S]B",
    "small-order A (the identity), S = 1, R = B",
    "small-order A (order 8) and R (the identity), S = 0",
    "non-canonical A (the identity as y = p + 1), R = [S]B",
    "non-canonical A (the identity with x = -0), R = [S]B",
  ]);
});

test("honest signatures always pass the strictness rule and verify everywhere (random keys and messages)", async () => {
  const webCrypto = await createWebCryptoSignatureCheck();
  const native = createNativeEd25519();
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 300 }),
      async (seed, message) => {
        const publicKey = ed25519.getPublicKey(seed);
        const signature = signAsDevice(seed, message);
        assert.equal(isStrictEd25519Input(publicKey, signature), true);
        assert.equal(verifyDeviceSignature(publicKey, message, signature), true);
        assert.equal(nobleEd25519.verify(publicKey, message, signature), true);
        if (native !== undefined) assert.equal(native.verify(publicKey, message, signature), true);
        if (webCrypto !== undefined)
          assert.equal(await webCrypto(publicKey, message, signature), true);
      },
    ),
    { numRuns: 300 },
  );
});

test("the strictness rule reads the key and signature without changing them (a Buffer's slice shares its bytes)", () => {
  /** Like Node's Buffer, whose `slice` is a view of the same memory. */
  class SharingBytes extends Uint8Array {
    override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
      return this.subarray(start, end);
    }
  }
  for (const v of ED25519_EDGE_VECTORS.filter((v) => v.valid)) {
    const key = new SharingBytes(v.publicKey);
    const signature = new SharingBytes(v.signature);
    assert.equal(verifyDeviceSignature(key, v.message, signature), true, v.name);
    assert.deepEqual([...key], [...v.publicKey]);
    assert.deepEqual([...signature], [...v.signature]);
  }
});
