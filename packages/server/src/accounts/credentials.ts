/**
 * What the server does with a client's authentication secret: it keeps only
 * `verifier = SHA-256(verifierSalt || authSecret)` with a random per-account salt, and compares in
 * constant time. The authSecret is derived from the password *and* a 128-bit Secret Key the server
 * never had, so a stolen verifier cannot be used to test password guesses: a guess would need
 * the Secret Key too, and a 2^128 search over it is out of reach.
 */

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { KdfParams } from "@keypears/api";

export const VERIFIER_SALT_BYTES = 32;
export const SESSION_TOKEN_BYTES = 32;

const sha256 = (...parts: readonly Uint8Array[]): Uint8Array => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

export const computeVerifier = (verifierSalt: Uint8Array, authSecret: Uint8Array): Uint8Array =>
  sha256(verifierSalt, authSecret);

export interface StoredVerifier {
  readonly verifier: Uint8Array;
  readonly verifierSalt: Uint8Array;
}

export const createVerifier = (authSecret: Uint8Array): StoredVerifier => {
  const verifierSalt = new Uint8Array(randomBytes(VERIFIER_SALT_BYTES));
  return { verifierSalt, verifier: computeVerifier(verifierSalt, authSecret) };
};

export const verifierMatches = (authSecret: Uint8Array, stored: StoredVerifier): boolean => {
  const candidate = computeVerifier(stored.verifierSalt, authSecret);
  return candidate.length === stored.verifier.length && timingSafeEqual(candidate, stored.verifier);
};

/**
 * A stand-in for unknown addresses, so sign-in spends the same work and says the same thing
 * whether or not the address exists.
 */
export const DECOY_VERIFIER: StoredVerifier = {
  verifierSalt: new Uint8Array(VERIFIER_SALT_BYTES),
  verifier: new Uint8Array(32),
};

/** Session tokens are stored and looked up by their SHA-256 only. */
export const hashSessionToken = (token: Uint8Array): Uint8Array => sha256(token);

export const createSessionToken = (): Uint8Array =>
  new Uint8Array(randomBytes(SESSION_TOKEN_BYTES));

/**
 * The parameters pre-login returns for an address with no account: the clients' default cost,
 * and a salt that is the same on every call (HMAC of the address under the server's own key), so
 * asking twice does not tell a made-up salt from a real one.
 */
export const decoyKdf = (
  serverKey: Uint8Array,
  address: string,
): { readonly kdf: KdfParams; readonly salt: Uint8Array } => ({
  kdf: { algorithm: "argon2id", memoryKiB: 65536, iterations: 3, parallelism: 1 },
  salt: new Uint8Array(
    createHmac("sha256", serverKey)
      .update(`keypears/v1/decoy-kdf-salt|${address.toLowerCase()}`)
      .digest()
      .subarray(0, 16),
  ),
});
