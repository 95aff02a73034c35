/**
 * The batch event's plaintext (docs/PROTOCOL.md 18, protocol version 3; the batch-signed item
 * payload's layout is in `signed-payload.ts`). A device signs one batch event per push instead
 * of every item event: the batch lists the event hash of each event it covers (SHA-256 of its
 * envelope bytes, section 7, which hold its id and payload), so one signature binds every byte
 * of every event it names.
 *
 *     batch plaintext = canonical CBOR [1, checkpoint, eventHash (32) || eventHash (32) || ...]
 *
 * Decoding accepts only canonical input (hashes strictly increasing, so none twice), so each
 * batch has exactly one byte form.
 */

import { asPlainBytes, compareBytes, err, ok, type Result } from "@keypears/base";
import { encode } from "cborg";
import {
  compareBytesAt,
  createCursor,
  DecodeFailure,
  exactArray,
  expectEnd,
  fail,
  peekMajor,
  readArrayLength,
  readByteString,
  readBytesOf,
  readNull,
  readTuple,
  readUint,
} from "./canonical-cbor.ts";
import type { ChainHash, Checkpoint } from "./hash-chain.ts";

export const BATCH_FORMAT_VERSION = 1;
const HASH_BYTES = 32;

export interface Batch {
  /** The author's last verified checkpoint when it made the batch, or null. */
  readonly checkpoint: Checkpoint | null;
  /**
   * The event hash (SHA-256 of the envelope bytes, which hold the id and the payload) of each
   * event the batch covers: at least one, none twice, in increasing byte order once decoded.
   */
  readonly hashes: readonly Uint8Array[];
}

export type BatchDecodeError = { readonly kind: "invalid-batch"; readonly reason: string };

/** Encodes a batch canonically: hashes sorted, in one byte string; refuses none, or one twice. */
export const encodeBatch = (batch: Batch): Uint8Array => {
  if (batch.hashes.length === 0) throw new RangeError("a batch covers at least one event");
  const hashes = [...batch.hashes].sort(compareBytes);
  const joined = new Uint8Array(hashes.length * HASH_BYTES);
  for (const [i, hash] of hashes.entries()) {
    if (hash.length !== HASH_BYTES) throw new RangeError("an event hash is 32 bytes");
    if (i > 0 && compareBytes(hashes[i - 1] as Uint8Array, hash) === 0)
      throw new RangeError("an event is covered twice");
    joined.set(hash, i * HASH_BYTES);
  }
  const checkpoint = batch.checkpoint;
  return asPlainBytes(
    encode([
      BATCH_FORMAT_VERSION,
      checkpoint === null ? null : [checkpoint.position, checkpoint.hash],
      joined,
    ]),
  );
};

const readBatch = (bytes: Uint8Array): Batch => {
  const c = createCursor(bytes);
  const length = readArrayLength(c, "batch");
  const version = length > 0 && peekMajor(c) === 0 ? readUint(c, "version") : undefined;
  if (version !== BATCH_FORMAT_VERSION) fail(`unsupported batch format version ${String(version)}`);
  if (length !== 3) fail("a batch must have 3 elements");
  let checkpoint: Checkpoint | null = null;
  if (!readNull(c)) {
    readTuple(c, 2, "checkpoint");
    const position = readUint(c, "checkpoint position");
    const start = readBytesOf(c, HASH_BYTES, "checkpoint hash");
    checkpoint = { position, hash: bytes.slice(start, start + HASH_BYTES) as ChainHash };
  }
  const start = readByteString(c, "event hashes");
  const size = c.pos - start;
  if (size === 0) fail("a batch covers at least one event");
  if (size % HASH_BYTES !== 0) fail("event hashes are 32 bytes each");
  const count = size / HASH_BYTES;
  const hashes = exactArray<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    const at = start + i * HASH_BYTES;
    if (i > 0 && compareBytesAt(bytes, at - HASH_BYTES, at, HASH_BYTES) >= 0)
      fail("event hashes not in canonical form (unsorted, or an event twice)");
    hashes[i] = bytes.slice(at, at + HASH_BYTES);
  }
  expectEnd(c);
  return { checkpoint, hashes };
};

/** Decodes a batch's plaintext; refuses anything malformed or not in canonical form. */
export const decodeBatch = (bytes: Uint8Array): Result<Batch, BatchDecodeError> => {
  try {
    return ok(readBatch(bytes));
  } catch (error) {
    if (error instanceof DecodeFailure)
      return err({ kind: "invalid-batch", reason: error.message });
    const reason = error instanceof Error ? error.message : "undecodable";
    return err({ kind: "invalid-batch", reason: `malformed CBOR: ${reason}` });
  }
};
