/**
 * The chained hash over a vault's events in server order: `H_0` is a fixed constant and
 * `H_n = SHA-256(H_(n-1) || SHA-256(bytes of event n))`. A device that knows one checkpoint
 * `(n, H_n)` can check that anything the server serves later extends exactly that history, and,
 * with its own copy of the events, say precisely what a server changed.
 */

import {
  type Brand,
  bytesEqual,
  bytesToHex,
  err,
  ok,
  type Result,
  utf8ToBytes,
} from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import type { EventId } from "./ids.ts";

export type ChainHash = Brand<Uint8Array, "ChainHash">;
export type EventHash = Brand<Uint8Array, "EventHash">;

/** A position in a vault's log and the chain hash after the event at that position. */
export interface Checkpoint {
  readonly position: number;
  readonly hash: ChainHash;
}

/** `H_0`: the SHA-256 of a label, so KeyPears chains never share a start with another protocol's. */
export const GENESIS_HASH = sha256(utf8ToBytes("keypears/v1/chain/genesis")) as ChainHash;
export const GENESIS: Checkpoint = { position: 0, hash: GENESIS_HASH };

export const hashEvent = (bytes: Uint8Array): EventHash => sha256(bytes) as EventHash;

export const chainStep = (previous: ChainHash, eventHash: EventHash): ChainHash => {
  const input = new Uint8Array(64);
  input.set(previous, 0);
  input.set(eventHash, 32);
  return sha256(input) as ChainHash;
};

/** The checkpoint after appending `events` (their bytes, in order) to `from`. */
export const extendChain = (from: Checkpoint, events: readonly Uint8Array[]): Checkpoint => {
  let hash = from.hash;
  for (const bytes of events) hash = chainStep(hash, hashEvent(bytes));
  return { position: from.position + events.length, hash };
};

export const checkpointsEqual = (a: Checkpoint, b: Checkpoint): boolean =>
  a.position === b.position && bytesEqual(a.hash, b.hash);

export const formatCheckpoint = (checkpoint: Checkpoint): string =>
  `${checkpoint.position}:${bytesToHex(checkpoint.hash).slice(0, 16)}`;

/** One event as a server serves it: its position, its bytes and the chain hash the server claims after it. */
export interface ChainedEvent {
  readonly position: number;
  readonly bytes: Uint8Array;
  readonly chainHash: ChainHash;
}

export type ChainError =
  /** The server's head is behind a checkpoint this device already verified. */
  | { readonly kind: "rollback"; readonly verified: number; readonly served: number }
  /** The server's history at the verified position is not the one this device verified (a fork). */
  | { readonly kind: "does-not-extend"; readonly position: number }
  /** Positions skip: the event at `position` was left out. */
  | { readonly kind: "missing-event"; readonly position: number }
  /** A position repeats or goes back: the segment is out of order. */
  | { readonly kind: "out-of-order"; readonly position: number; readonly expected: number }
  /** The bytes at `position` do not hash to the chain the server committed to. */
  | { readonly kind: "hash-mismatch"; readonly position: number }
  /** The head the server claims is not what its own events add up to. */
  | { readonly kind: "head-mismatch"; readonly position: number };

export interface SegmentToVerify {
  /** The last checkpoint this device verified. */
  readonly trusted: Checkpoint;
  /** What the server says the chain hash at `trusted.position` is (it must equal the trusted one). */
  readonly anchor: Checkpoint;
  /** Events after the anchor, in the order served. */
  readonly events: readonly ChainedEvent[];
  /** The head the server claims. The segment may stop before it (paging). */
  readonly head: Checkpoint;
}

/**
 * Checks a served segment against a trusted checkpoint and returns the new trusted checkpoint:
 * the last event of the segment, every byte of it verified.
 */
export const verifySegment = (segment: SegmentToVerify): Result<Checkpoint, ChainError> => {
  const { trusted, anchor, events, head } = segment;
  if (head.position < trusted.position) {
    return err({ kind: "rollback", verified: trusted.position, served: head.position });
  }
  if (anchor.position !== trusted.position || !bytesEqual(anchor.hash, trusted.hash)) {
    return err({ kind: "does-not-extend", position: trusted.position });
  }
  let current: Checkpoint = trusted;
  for (const event of events) {
    const expected = current.position + 1;
    if (event.position > expected) return err({ kind: "missing-event", position: expected });
    if (event.position < expected)
      return err({ kind: "out-of-order", position: event.position, expected });
    const hash = chainStep(current.hash, hashEvent(event.bytes));
    if (!bytesEqual(hash, event.chainHash))
      return err({ kind: "hash-mismatch", position: expected });
    current = { position: expected, hash };
  }
  if (current.position > head.position)
    return err({ kind: "head-mismatch", position: head.position });
  if (current.position === head.position && !bytesEqual(current.hash, head.hash)) {
    return err({ kind: "head-mismatch", position: head.position });
  }
  return ok(current);
};

/** An event as one side of a comparison knows it: where it stands and what its bytes hash to. */
export interface ChainEntry {
  readonly position: number;
  readonly id: EventId;
  readonly eventHash: EventHash;
}

export type HistoryDifference =
  | { readonly kind: "identical" }
  /** The same event id at the same position, with different bytes. */
  | { readonly kind: "changed"; readonly id: EventId; readonly position: number }
  /** An event the reference holds is not in the other history. */
  | { readonly kind: "missing"; readonly id: EventId; readonly position: number }
  /** The other history holds an event the reference never had, here. */
  | { readonly kind: "inserted"; readonly id: EventId; readonly position: number }
  /** The same events, in a different order; the first that moved. */
  | { readonly kind: "reordered"; readonly id: EventId; readonly from: number; readonly to: number }
  /** The other history is a strict prefix of the reference (events cut off the end). */
  | { readonly kind: "truncated"; readonly position: number };

/**
 * Says exactly how `actual` differs from `reference`, both lists of entries over the same span of
 * positions. Used when verification fails and the device holds its own copy of the history.
 */
export const diagnoseHistories = (
  reference: readonly ChainEntry[],
  actual: readonly ChainEntry[],
): HistoryDifference => {
  const positionById = (entries: readonly ChainEntry[]): Map<EventId, ChainEntry> =>
    new Map(entries.map((entry) => [entry.id, entry]));
  const referenceById = positionById(reference);
  const actualById = positionById(actual);

  for (const entry of reference) {
    const other = actualById.get(entry.id);
    if (
      other !== undefined &&
      other.position === entry.position &&
      !bytesEqual(other.eventHash, entry.eventHash)
    ) {
      return { kind: "changed", id: entry.id, position: entry.position };
    }
  }
  const seenInActual = new Set<EventId>();
  for (const entry of actual) {
    // An id the reference never had, or one served twice, is an insertion.
    if (!referenceById.has(entry.id) || seenInActual.has(entry.id)) {
      return { kind: "inserted", id: entry.id, position: entry.position };
    }
    seenInActual.add(entry.id);
  }
  const lastActual = actual.at(-1)?.position ?? Number.NEGATIVE_INFINITY;
  for (const entry of reference) {
    if (!actualById.has(entry.id)) {
      // Missing from the end only: the other side is a prefix (a rollback), not a hole.
      if (
        entry.position > lastActual &&
        reference.every((r) => r.position > lastActual || actualById.has(r.id))
      ) {
        return { kind: "truncated", position: entry.position };
      }
      return { kind: "missing", id: entry.id, position: entry.position };
    }
  }
  for (const entry of reference) {
    const other = actualById.get(entry.id);
    if (other !== undefined && other.position !== entry.position) {
      if (!bytesEqual(other.eventHash, entry.eventHash))
        return { kind: "changed", id: entry.id, position: other.position };
      return { kind: "reordered", id: entry.id, from: entry.position, to: other.position };
    }
  }
  return { kind: "identical" };
};
