/** Envelopes and the hash chain, and the check of a pulled page (PROTOCOL.md sections 7 and 10.3). */

import { sha256 } from "@noble/hashes/sha2.js";
import { concat, utf8, uuidBytes } from "./bytes.ts";

export interface Checkpoint {
  readonly position: number;
  readonly hash: Uint8Array;
}

export const GENESIS: Checkpoint = { position: 0, hash: sha256(utf8("keypears/v1/chain/genesis")) };

export const envelopeBytes = (id: string, payload: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(1), uuidBytes(id), payload);

export const chainStep = (previous: Uint8Array, envelope: Uint8Array): Uint8Array =>
  sha256(concat(previous, sha256(envelope)));

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

export interface PulledEvent {
  readonly id: string;
  readonly payload: Uint8Array;
  readonly position: number;
  readonly chainHash: Uint8Array;
}

/** Verifies a page against the trusted checkpoint; returns the new one or throws, naming the lie. */
export const verifyPage = (
  trusted: Checkpoint,
  page: {
    readonly anchor: Checkpoint;
    readonly events: readonly PulledEvent[];
    readonly head: Checkpoint;
  },
): Checkpoint => {
  if (page.head.position < trusted.position) throw new Error("rollback");
  if (page.anchor.position !== trusted.position || !same(page.anchor.hash, trusted.hash))
    throw new Error("fork");
  let current = trusted;
  for (const event of page.events) {
    const expected = current.position + 1;
    if (event.position > expected) throw new Error(`missing event at ${expected}`);
    if (event.position < expected) throw new Error(`reordered at ${event.position}`);
    const hash = chainStep(current.hash, envelopeBytes(event.id, event.payload));
    if (!same(hash, event.chainHash)) throw new Error(`tampered at ${expected}`);
    current = { position: expected, hash };
  }
  if (current.position > page.head.position) throw new Error("tampered head");
  if (current.position === page.head.position && !same(current.hash, page.head.hash))
    throw new Error("tampered head");
  return current;
};
