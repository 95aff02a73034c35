/**
 * An account's identity: an Ed25519 key pair that signs (key-log entries, shares) and two key
 * pairs that receive: X25519 (the classical suite) and X-Wing (X25519 + ML-KEM-768, the hybrid
 * post-quantum suite, the default). Only synced accounts have one; `name@localhost` never does.
 */

import {
  type Address,
  bytesToBase64Url,
  base64UrlToBytes,
  err,
  isLocalOnly,
  ok,
  type RandomBytes,
  type Result,
} from "@keypears/base";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { ml_kem768_x25519 } from "@noble/post-quantum/hybrid.js";

/** The public halves, as published in the key log. */
export interface IdentityPublicKeys {
  /** Ed25519, 32 bytes. */
  readonly signing: Uint8Array;
  /** X25519, 32 bytes. */
  readonly x25519: Uint8Array;
  /** X-Wing (ML-KEM-768 + X25519), 1,216 bytes. */
  readonly xwing: Uint8Array;
}

/** The private halves: three 32-byte seeds. Kept sealed in the vault, never sent to a server. */
export interface IdentitySecrets {
  readonly signing: Uint8Array;
  readonly x25519: Uint8Array;
  readonly xwing: Uint8Array;
}

export interface Identity {
  readonly secrets: IdentitySecrets;
  readonly publicKeys: IdentityPublicKeys;
}

export type IdentityError =
  | { readonly kind: "local-only"; readonly address: string }
  | { readonly kind: "invalid-identity"; readonly reason: string };

/** Refuses `name@localhost`: a local-only account has no server to publish keys or receive at. */
export const requireFederated = (address: Address): Result<Address, IdentityError> =>
  isLocalOnly(address) ? err({ kind: "local-only", address }) : ok(address);

export const generateIdentity = (randomBytes: RandomBytes): Identity =>
  identityFromSecrets({
    signing: randomBytes(32),
    x25519: randomBytes(32),
    xwing: randomBytes(32),
  });

export const identityFromSecrets = (secrets: IdentitySecrets): Identity => ({
  secrets,
  publicKeys: {
    signing: ed25519.getPublicKey(secrets.signing),
    x25519: x25519.getPublicKey(secrets.x25519),
    xwing: ml_kem768_x25519.keygen(secrets.xwing).publicKey,
  },
});

/** The stored form of the secrets (inside the vault's encryption): versioned JSON. */
export const encodeIdentitySecrets = (secrets: IdentitySecrets): string =>
  JSON.stringify({
    v: 1,
    signing: bytesToBase64Url(secrets.signing),
    x25519: bytesToBase64Url(secrets.x25519),
    xwing: bytesToBase64Url(secrets.xwing),
  });

export const decodeIdentitySecrets = (text: string): Result<Identity, IdentityError> => {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (parsed["v"] !== 1) return err({ kind: "invalid-identity", reason: "unknown version" });
    const field = (name: string): Uint8Array => {
      const value = parsed[name];
      if (typeof value !== "string") throw new Error(`missing ${name}`);
      const bytes = base64UrlToBytes(value);
      if (bytes.length !== 32) throw new Error(`${name} is not 32 bytes`);
      return bytes;
    };
    return ok(
      identityFromSecrets({
        signing: field("signing"),
        x25519: field("x25519"),
        xwing: field("xwing"),
      }),
    );
  } catch (error) {
    return err({
      kind: "invalid-identity",
      reason: error instanceof Error ? error.message : "unreadable",
    });
  }
};
