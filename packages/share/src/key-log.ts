/**
 * The key log: the public keys of one address as a signed, hash-chained list (Keybase's
 * sigchain, reduced). Entry 0 is signed by its own signing key; every later entry by the signing
 * key of the entry before it, and names that entry's hash. A client pins the log it first saw
 * (trust on first use) and accepts a later answer only if it extends the pinned one, so a server
 * that substitutes, forks or rewinds the log is caught.
 */

import {
  type Address,
  base64UrlToBytes,
  bytesEqual,
  bytesToBase64Url,
  bytesToHex,
  err,
  hexToBytes,
  isHex,
  ok,
  type Result,
} from "@keypears/base";
import { associatedData } from "@keypears/crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Identity, IdentityPublicKeys } from "./identity.ts";

/** One entry as it travels (JSON) and is stored by the home server. */
export interface KeyLogEntry {
  readonly seq: number;
  /** Hex SHA-256 hash of the previous entry; empty for entry 0. */
  readonly prev: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Base64url public keys. */
  readonly signing: string;
  readonly x25519: string;
  readonly xwing: string;
  /** Base64url Ed25519 signature by the previous entry's signing key (its own for entry 0). */
  readonly signature: string;
}

/** What a client remembers of a contact's log: how long it was and its last hash. */
export interface PinnedKeyLog {
  readonly length: number;
  readonly head: string;
}

export interface VerifiedKeyLog {
  readonly address: Address;
  readonly length: number;
  /** Hex hash of the last entry. */
  readonly head: string;
  /** The keys of the last entry: the ones in use. */
  readonly keys: IdentityPublicKeys;
  /** The signing key of every entry, by sequence number (shares name the entry they were signed under). */
  readonly signingKeys: readonly Uint8Array[];
}

export type KeyLogError =
  | { readonly kind: "invalid-key-log"; readonly address: string; readonly reason: string }
  | {
      readonly kind: "key-log-changed";
      readonly address: string;
      /** `rewound`: shorter than pinned; `forked`: differs from the pinned entries. */
      readonly how: "rewound" | "forked";
    };

export const MAX_KEY_LOG_ENTRIES = 256;
const SIGNING_LENGTH = 32;
const X25519_LENGTH = 32;
const XWING_LENGTH = 1216;

const signedBytes = (address: string, entry: Omit<KeyLogEntry, "signature">): Uint8Array =>
  associatedData(
    "key-log/entry",
    address,
    entry.seq,
    entry.prev === "" ? new Uint8Array(0) : hexToBytes(entry.prev),
    entry.createdAt,
    base64UrlToBytes(entry.signing),
    base64UrlToBytes(entry.x25519),
    base64UrlToBytes(entry.xwing),
  );

/** The hash that the next entry names and that a client pins. */
export const keyLogEntryHash = (address: string, entry: KeyLogEntry): string =>
  bytesToHex(
    sha256(
      associatedData(
        "key-log/hash",
        signedBytes(address, entry),
        base64UrlToBytes(entry.signature),
      ),
    ),
  );

/**
 * The next entry of `log` (empty for a new identity) publishing `next`'s keys, signed by
 * `signer`: the identity itself for entry 0, the current identity for a rotation.
 */
export const appendKeyLogEntry = (
  address: Address,
  log: readonly KeyLogEntry[],
  signer: Identity,
  next: IdentityPublicKeys,
  createdAt: number,
): KeyLogEntry => {
  const last = log.at(-1);
  const unsigned = {
    seq: log.length,
    prev: last === undefined ? "" : keyLogEntryHash(address, last),
    createdAt,
    signing: bytesToBase64Url(next.signing),
    x25519: bytesToBase64Url(next.x25519),
    xwing: bytesToBase64Url(next.xwing),
  };
  const signature = ed25519.sign(signedBytes(address, unsigned), signer.secrets.signing);
  return { ...unsigned, signature: bytesToBase64Url(signature) };
};

/** Checks every signature and link of `entries`, then that it extends `pinned` when given. */
export const verifyKeyLog = (
  address: Address,
  entries: readonly KeyLogEntry[],
  pinned?: PinnedKeyLog,
): Result<VerifiedKeyLog, KeyLogError> => {
  const invalid = (reason: string) => err({ kind: "invalid-key-log" as const, address, reason });
  if (entries.length === 0) return invalid("the log is empty: the address has no identity");
  if (entries.length > MAX_KEY_LOG_ENTRIES) return invalid("the log is too long");
  let previousSigning: Uint8Array | undefined;
  let previousHash = "";
  let keys: IdentityPublicKeys | undefined;
  const hashes: string[] = [];
  const signingKeys: Uint8Array[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry.seq !== index) return invalid(`entry ${index} has sequence number ${entry.seq}`);
    if (entry.prev !== previousHash)
      return invalid(`entry ${index} does not name the entry before it`);
    if (entry.prev !== "" && !isHex(entry.prev, 32))
      return invalid(`entry ${index} has a malformed link`);
    let signing: Uint8Array;
    let x25519: Uint8Array;
    let xwing: Uint8Array;
    let signature: Uint8Array;
    try {
      signing = base64UrlToBytes(entry.signing);
      x25519 = base64UrlToBytes(entry.x25519);
      xwing = base64UrlToBytes(entry.xwing);
      signature = base64UrlToBytes(entry.signature);
    } catch {
      return invalid(`entry ${index} is not base64url`);
    }
    if (
      signing.length !== SIGNING_LENGTH ||
      x25519.length !== X25519_LENGTH ||
      xwing.length !== XWING_LENGTH
    )
      return invalid(`entry ${index} has a key of the wrong length`);
    if (!Number.isSafeInteger(entry.createdAt) || entry.createdAt < 0)
      return invalid(`entry ${index} has a malformed time`);
    const signer = previousSigning ?? signing;
    let valid = false;
    try {
      valid = ed25519.verify(signature, signedBytes(address, entry), signer);
    } catch {
      valid = false;
    }
    if (!valid) return invalid(`the signature of entry ${index} does not verify`);
    previousSigning = signing;
    previousHash = keyLogEntryHash(address, entry);
    hashes.push(previousHash);
    signingKeys.push(signing);
    keys = { signing, x25519, xwing };
  }
  if (pinned !== undefined) {
    if (entries.length < pinned.length)
      return err({ kind: "key-log-changed", address, how: "rewound" });
    if (hashes[pinned.length - 1] !== pinned.head)
      return err({ kind: "key-log-changed", address, how: "forked" });
  }
  return ok({
    address,
    length: entries.length,
    head: previousHash,
    keys: keys as IdentityPublicKeys,
    signingKeys,
  });
};

/** True when the keys are the identity's own (a device checks the log its server publishes). */
export const sameKeys = (a: IdentityPublicKeys, b: IdentityPublicKeys): boolean =>
  bytesEqual(a.signing, b.signing) &&
  bytesEqual(a.x25519, b.x25519) &&
  bytesEqual(a.xwing, b.xwing);

export const describeKeyLogError = (error: KeyLogError): string =>
  error.kind === "invalid-key-log"
    ? `the key log of ${error.address} is invalid (${error.reason}); do not trust it`
    : `the key log of ${error.address} was ${error.how === "rewound" ? "rewound" : "replaced"} since you pinned it: its server may be substituting keys. Sending to ${error.address} is stopped until you compare safety numbers and run \`keypears contacts verify ${error.address} --reset\``;
