/**
 * Sealed shares: an item's fields sealed to the recipient's key (a one-shot KEM + HKDF + AEAD,
 * HPKE's base mode in shape, RFC 9180) and signed by the sender's Ed25519 key. The associated
 * data binds the format version, suite, share id, sender, recipient, times and both key-log
 * positions; the signature covers all of it and the ciphertext, so a share cannot be redirected,
 * re-dated or attributed to anyone else.
 *
 * Suites (named in every envelope, so they can change):
 * - `xwing-hkdf-sha256-xchacha20poly1305` (default): X-Wing (X25519 + ML-KEM-768,
 *   draft-connolly-cfrg-xwing-kem) from @noble/post-quantum: a recorded share stays closed to a
 *   future quantum computer unless both X25519 and ML-KEM-768 fall.
 * - `x25519-hkdf-sha256-xchacha20poly1305`: ephemeral-static X25519, the classical suite.
 */

import {
  type Address,
  base64UrlToBytes,
  bytesToBase64Url,
  bytesToUtf8,
  err,
  ok,
  type RandomBytes,
  type Result,
  utf8ToBytes,
} from "@keypears/base";
import { MAX_SHARE_BYTES, type WireShareEnvelope } from "@keypears/api";
import { associatedData, hkdfSha256, open, seal } from "@keypears/crypto";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { ml_kem768_x25519 } from "@noble/post-quantum/hybrid.js";
import type { Identity, IdentityPublicKeys } from "./identity.ts";
import type { VerifiedKeyLog } from "./key-log.ts";

export const SHARE_FORMAT_VERSION = 1;
export const SUITES = [
  "xwing-hkdf-sha256-xchacha20poly1305",
  "x25519-hkdf-sha256-xchacha20poly1305",
] as const;
export type ShareSuite = (typeof SUITES)[number];
export const DEFAULT_SUITE: ShareSuite = "xwing-hkdf-sha256-xchacha20poly1305";

export type ShareEnvelope = WireShareEnvelope;

/** What is shared: a copy of an item's fields, and an optional note from the sender. */
export interface ShareContent {
  readonly title: string;
  readonly type: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

export interface SealShareInput {
  readonly id: string;
  readonly from: Address;
  readonly to: Address;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly sender: Identity;
  /** The sender's own log length - 1: the entry whose signing key signs. */
  readonly senderKeySeq: number;
  readonly recipient: VerifiedKeyLog;
  readonly content: ShareContent;
  readonly suite?: ShareSuite;
  readonly randomBytes: RandomBytes;
}

export type ShareError =
  | { readonly kind: "share-too-large"; readonly bytes: number; readonly limit: number }
  | { readonly kind: "invalid-share"; readonly id: string; readonly reason: string };

const contentAd = (e: Omit<ShareEnvelope, "enc" | "ciphertext" | "signature">) =>
  associatedData(
    "share/content",
    e.v,
    e.suite,
    e.id,
    e.from,
    e.to,
    e.createdAt,
    e.expiresAt,
    e.senderKeySeq,
    e.recipientKeyHead,
  );

const signedBytes = (e: Omit<ShareEnvelope, "signature">) =>
  associatedData(
    "share/signature",
    contentAd(e),
    base64UrlToBytes(e.enc),
    base64UrlToBytes(e.ciphertext),
  );

const deriveKey = (suite: ShareSuite, sharedSecret: Uint8Array, enc: Uint8Array, pk: Uint8Array) =>
  hkdfSha256(sharedSecret, undefined, associatedData("share/key", suite, enc, pk), 32);

const recipientKey = (suite: ShareSuite, keys: IdentityPublicKeys): Uint8Array =>
  suite === "x25519-hkdf-sha256-xchacha20poly1305" ? keys.x25519 : keys.xwing;

const encapsulate = (suite: ShareSuite, pk: Uint8Array, randomBytes: RandomBytes) => {
  if (suite === "x25519-hkdf-sha256-xchacha20poly1305") {
    const ephemeral = randomBytes(32);
    return {
      enc: x25519.getPublicKey(ephemeral),
      sharedSecret: x25519.getSharedSecret(ephemeral, pk),
    };
  }
  const { cipherText, sharedSecret } = ml_kem768_x25519.encapsulate(pk, randomBytes(64));
  return { enc: cipherText, sharedSecret };
};

const decapsulate = (suite: ShareSuite, enc: Uint8Array, identity: Identity): Uint8Array =>
  suite === "x25519-hkdf-sha256-xchacha20poly1305"
    ? x25519.getSharedSecret(identity.secrets.x25519, enc)
    : ml_kem768_x25519.decapsulate(enc, identity.secrets.xwing);

/** Seals and signs; refuses a share whose envelope would pass `MAX_SHARE_BYTES`. */
export const sealShare = (input: SealShareInput): Result<ShareEnvelope, ShareError> => {
  const suite = input.suite ?? DEFAULT_SUITE;
  const header = {
    v: SHARE_FORMAT_VERSION,
    suite,
    id: input.id,
    from: input.from,
    to: input.to,
    createdAt: input.createdAt,
    expiresAt: input.expiresAt,
    senderKeySeq: input.senderKeySeq,
    recipientKeyHead: input.recipient.head,
  } as const;
  const pk = recipientKey(suite, input.recipient.keys);
  const { enc, sharedSecret } = encapsulate(suite, pk, input.randomBytes);
  const key = deriveKey(suite, sharedSecret, enc, pk);
  const ciphertext = seal(
    key,
    utf8ToBytes(JSON.stringify(input.content)),
    contentAd(header),
    input.randomBytes,
  );
  key.fill(0);
  sharedSecret.fill(0);
  const unsigned = {
    ...header,
    enc: bytesToBase64Url(enc),
    ciphertext: bytesToBase64Url(ciphertext),
  };
  const signature = ed25519.sign(signedBytes(unsigned), input.sender.secrets.signing);
  const envelope: ShareEnvelope = { ...unsigned, signature: bytesToBase64Url(signature) };
  const bytes = utf8ToBytes(JSON.stringify(envelope)).length;
  if (bytes > MAX_SHARE_BYTES)
    return err({ kind: "share-too-large", bytes, limit: MAX_SHARE_BYTES });
  return ok(envelope);
};

export interface OpenShareInput {
  readonly envelope: ShareEnvelope;
  /** This account's address and identity: the share must be addressed to it. */
  readonly me: Address;
  readonly identity: Identity;
  /** The sender's log, verified against the pin. */
  readonly sender: VerifiedKeyLog;
  readonly now: number;
}

/** Checks version, suite, recipient, expiry and signature, then opens. Any failure: `invalid-share`. */
export const openShare = (input: OpenShareInput): Result<ShareContent, ShareError> => {
  const e = input.envelope;
  const invalid = (reason: string) => err({ kind: "invalid-share" as const, id: e.id, reason });
  if (e.v !== SHARE_FORMAT_VERSION) return invalid(`unknown format version ${e.v}`);
  if (!(SUITES as readonly string[]).includes(e.suite)) return invalid(`unknown suite ${e.suite}`);
  const suite = e.suite as ShareSuite;
  if (e.to !== input.me) return invalid(`it is addressed to ${e.to}, not to ${input.me}`);
  if (e.from !== input.sender.address) return invalid(`it claims to be from ${e.from}`);
  if (e.expiresAt <= input.now) return invalid("it has expired");
  const signing = input.sender.signingKeys[e.senderKeySeq];
  if (signing === undefined) return invalid(`the sender's key log has no entry ${e.senderKeySeq}`);
  let signatureOk = false;
  try {
    signatureOk = ed25519.verify(base64UrlToBytes(e.signature), signedBytes(e), signing);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) return invalid(`its signature is not ${e.from}'s: it was forged or altered`);
  let content: Uint8Array;
  try {
    const enc = base64UrlToBytes(e.enc);
    const sharedSecret = decapsulate(suite, enc, input.identity);
    const key = deriveKey(suite, sharedSecret, enc, recipientKey(suite, input.identity.publicKeys));
    const opened = open(key, base64UrlToBytes(e.ciphertext), contentAd(e));
    key.fill(0);
    if (!opened.ok) return invalid("it does not open with this account's key");
    content = opened.value;
  } catch {
    return invalid("it does not open with this account's key");
  }
  try {
    const parsed = JSON.parse(bytesToUtf8(content)) as ShareContent;
    if (
      typeof parsed.title !== "string" ||
      typeof parsed.fields !== "object" ||
      parsed.fields === null
    )
      return invalid("its content is malformed");
    return ok(parsed);
  } catch {
    return invalid("its content is malformed");
  }
};
