import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { it } from "node:test";
import {
  computeVerifier,
  createVerifier,
  DECOY_VERIFIER,
  decoyKdf,
  hashSessionToken,
  verifierMatches,
} from "./credentials.ts";

const secret = () => new Uint8Array(randomBytes(32));

it("keeps SHA-256(salt || authSecret) with a fresh random salt, never the secret", () => {
  const authSecret = secret();
  const one = createVerifier(authSecret);
  const two = createVerifier(authSecret);
  assert.notDeepEqual(one.verifierSalt, two.verifierSalt);
  assert.notDeepEqual(one.verifier, two.verifier);
  const expected = createHash("sha256").update(one.verifierSalt).update(authSecret).digest();
  assert.deepEqual(one.verifier, new Uint8Array(expected));
  assert.deepEqual(computeVerifier(one.verifierSalt, authSecret), one.verifier);
  assert.ok(!Buffer.from(one.verifier).includes(Buffer.from(authSecret)));
});

it("accepts the right secret only", () => {
  const authSecret = secret();
  const stored = createVerifier(authSecret);
  assert.equal(verifierMatches(authSecret, stored), true);
  const flipped = authSecret.slice();
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  assert.equal(verifierMatches(flipped, stored), false);
  assert.equal(verifierMatches(authSecret, DECOY_VERIFIER), false);
});

it("makes decoy salts that are stable per address and differ between addresses and servers", () => {
  const key = secret();
  assert.deepEqual(decoyKdf(key, "a@x.test"), decoyKdf(key, "a@x.test"));
  assert.notDeepEqual(decoyKdf(key, "a@x.test").salt, decoyKdf(key, "b@x.test").salt);
  assert.notDeepEqual(decoyKdf(key, "a@x.test").salt, decoyKdf(secret(), "a@x.test").salt);
  assert.equal(decoyKdf(key, "a@x.test").salt.length, 16);
});

it("stores session tokens as their SHA-256", () => {
  const token = secret();
  assert.deepEqual(
    hashSessionToken(token),
    new Uint8Array(createHash("sha256").update(token).digest()),
  );
});
