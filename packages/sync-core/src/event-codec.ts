/**
 * The one canonical byte encoding of an event (deterministic CBOR, RFC 8949 §4.2, as arrays): the
 * bytes that are encrypted, stored and hashed. Decoding accepts only canonical input: any other
 * encoding of the same event (unsorted lists, long-form integers, duplicates) is refused, so an
 * event has exactly one byte form.
 */

import { asPlainBytes, err, ok, type Result } from "@keypears/base";
import { encode } from "cborg";
import { createBytesInterner } from "./bytes-interner.ts";
import {
  type CborCursor,
  createCursor,
  DecodeFailure,
  decodeText,
  exactArray,
  expectEnd,
  fail,
  peekMajor,
  readArrayLength,
  readBytesOf,
  readFieldValue,
  readNull,
  readTextBounds,
  readTuple,
  readUint,
} from "./canonical-cbor.ts";
import { readHlc, readIdList, readUuid } from "./canonical-ids.ts";
import {
  canonicalOp,
  compareCodePoints,
  type Event,
  type EventOp,
  type FieldHeads,
  type FieldWrite,
  type LifecycleChange,
  type LifecycleKind,
  MAX_FIELD_NAME_LENGTH,
  type SetFields,
} from "./event.ts";
import type { ChainHash, Checkpoint } from "./hash-chain.ts";
import { hlcToBytes } from "./hlc.ts";
import { type EventId, type ItemId, uuidAt, uuidToBytes, type VaultId } from "./ids.ts";

export const EVENT_FORMAT_VERSION = 1;

const opCodeByKind = { set: 0, delete: 1, restore: 2, purge: 3 } as const;
const lifecycleKindByCode: Readonly<Record<number, LifecycleKind>> = {
  1: "delete",
  2: "restore",
  3: "purge",
};

export type EventDecodeError = { readonly kind: "invalid-event"; readonly reason: string };

const ids = (list: readonly string[]): Uint8Array[] => list.map(uuidToBytes);

/**
 * Format 2 (docs/PROTOCOL.md 18.2, planned for protocol version 3): the event without what its
 * sealed box's associated data binds (vault id, event id) and without the checkpoint (its batch
 * carries one for all its events). Not written by any client yet.
 */
export const EVENT_BODY_FORMAT_VERSION = 2;

const encodeOp = (event: Event): unknown[] => {
  const op = canonicalOp(event.op);
  return op.kind === "set"
    ? [
        opCodeByKind.set,
        ids(op.lifecycleSeen),
        op.fields.map((f) => [f.name, f.value, ids(f.basedOn)]),
      ]
    : [opCodeByKind[op.kind], ids(op.basedOn), op.seenFields.map((f) => [f.name, ids(f.heads)])];
};

/** Encodes an event in canonical form (lists sorted and de-duplicated first). */
export const encodeEvent = (event: Event): Uint8Array =>
  asPlainBytes(
    encode([
      EVENT_FORMAT_VERSION,
      uuidToBytes(event.vaultId),
      uuidToBytes(event.id),
      uuidToBytes(event.itemId),
      hlcToBytes(event.hlc),
      event.checkpoint === null ? null : [event.checkpoint.position, event.checkpoint.hash],
      encodeOp(event),
    ]),
  );

/** Encodes an event in format 2 (canonical form): its item, clock and change only. */
export const encodeEventBody = (event: Event): Uint8Array =>
  asPlainBytes(
    encode([
      EVENT_BODY_FORMAT_VERSION,
      uuidToBytes(event.itemId),
      hlcToBytes(event.hlc),
      encodeOp(event),
    ]),
  );

/*
 * Decoding checks canonical form as it reads, instead of re-encoding the event and comparing (which
 * was a third of the time of decoding). It accepts exactly what that check did: a valid event (at
 * least one field per set, names of 1-256 units, no name twice, values `isFieldValue` accepts) in
 * the bytes `encodeEvent` writes for it, and nothing else, because:
 *
 * - `canonical-cbor.ts` accepts only the CBOR that cborg's `encode` writes for such values: heads
 *   in shortest form, definite lengths, integers rather than floats, no maps, tags or undefined,
 *   and no other types than those below, each where the encoder puts it (ids, the clock and the
 *   chain hash are byte strings of their exact length, never arrays; names and values are text
 *   of valid UTF-8, never bytes); nothing may follow the event.
 * - Ids must have the UUID variant bits, as `uuidToBytes` demands when encoding (the version is
 *   not checked: it never was). The clock is any 16 bytes: every 16 bytes are a valid HLC.
 * - `normalizeOp` sorts and de-duplicates what the encoder writes, so each id list must be
 *   strictly increasing by its raw bytes (the order of the lowercase hex text), and the fields of
 *   a set and the seen fields of a lifecycle change strictly increasing by `compareCodePoints` of
 *   their names (the order of their UTF-8 bytes); an equal neighbour is a duplicate.
 * - Text is decoded as written, a leading U+FEFF included, so it re-encodes to the same bytes.
 *   (The old re-encoding check, through cborg's decoder, dropped that character and so refused
 *   such text: an event with a pasted byte-order mark could never sync. The tests allow exactly
 *   this difference from the old rule.)
 *
 * `event-codec-equivalence.test.ts` keeps the old rule as an oracle and checks that both agree on
 * random events and on mutations of their encodings.
 */

// Every event repeats its vault id and field names: decode each once (`bytes-interner.ts`). The
// ids are not secret; names are short labels, and values are never cached.
const vaultIds = createBytesInterner(16, 16, (bytes, start) => uuidAt(bytes, start));
const fieldNames = createBytesInterner(256, 64, (bytes, start, end) => {
  const name = decodeText(bytes, start, end);
  return name.length > 0 && name.length <= MAX_FIELD_NAME_LENGTH
    ? name
    : fail(`field name must be 1-${MAX_FIELD_NAME_LENGTH} characters`);
});

const readIds = (c: CborCursor, what: string): EventId[] => readIdList(c, what, true, true);

const readName = (c: CborCursor): string => {
  const start = readTextBounds(c, "field name");
  return fieldNames(c.bytes, start, c.pos);
};

/** Fails unless `name` sorts strictly after `previous` (undefined for the first). */
const checkNameOrder = (previous: string | undefined, name: string, duplicate: string): void => {
  if (previous === undefined) return;
  const order = compareCodePoints(previous, name);
  if (order === 0) fail(duplicate);
  if (order > 0) fail("not in canonical form");
};

const readSetFields = (c: CborCursor): SetFields => {
  const lifecycleSeen = readIds(c, "lifecycleSeen");
  const count = readArrayLength(c, "fields");
  if (count === 0) fail("a set event must write at least one field");
  const fields = exactArray<FieldWrite>(count);
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    readTuple(c, 3, "field write");
    const name = readName(c);
    checkNameOrder(previous, name, "a field is written twice");
    const value = readFieldValue(c);
    fields[i] = { name, value, basedOn: readIds(c, "basedOn") };
    previous = name;
  }
  return { kind: "set", lifecycleSeen, fields };
};

const readLifecycleChange = (c: CborCursor, kind: LifecycleKind): LifecycleChange => {
  const basedOn = readIds(c, "basedOn");
  const count = readArrayLength(c, "seenFields");
  const seenFields = exactArray<FieldHeads>(count);
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    readTuple(c, 2, "seen field");
    const name = readName(c);
    checkNameOrder(previous, name, "a seen field is listed twice");
    seenFields[i] = { name, heads: readIds(c, "heads") };
    previous = name;
  }
  return { kind, basedOn, seenFields };
};

const readOp = (c: CborCursor): EventOp => {
  readTuple(c, 3, "op");
  const code = peekMajor(c) === 0 ? readUint(c, "op code") : undefined;
  if (code === opCodeByKind.set) return readSetFields(c);
  const kind = code === undefined ? undefined : lifecycleKindByCode[code];
  return kind === undefined
    ? fail(`unknown op code ${String(code)}`)
    : readLifecycleChange(c, kind);
};

const readCheckpoint = (c: CborCursor): Checkpoint | null => {
  if (readNull(c)) return null;
  readTuple(c, 2, "checkpoint");
  const position = readUint(c, "checkpoint position");
  const start = readBytesOf(c, 32, "checkpoint hash");
  return { position, hash: c.bytes.slice(start, start + 32) as ChainHash };
};

const readEvent = (c: CborCursor): Event => {
  const length = readArrayLength(c, "event");
  const version = length > 0 && peekMajor(c) === 0 ? readUint(c, "version") : undefined;
  if (version !== EVENT_FORMAT_VERSION) fail(`unsupported event format version ${String(version)}`);
  if (length !== 7) fail("event must have 7 elements");
  const vaultStart = readUuid(c, "vault id", true);
  const vaultId = vaultIds(c.bytes, vaultStart, vaultStart + 16) as VaultId;
  const id = uuidAt(c.bytes, readUuid(c, "event id", true)) as EventId;
  const itemId = uuidAt(c.bytes, readUuid(c, "item id", true)) as ItemId;
  const hlc = readHlc(c, "hlc");
  const checkpoint = readCheckpoint(c);
  const op = readOp(c);
  expectEnd(c);
  return { id, vaultId, itemId, hlc, checkpoint, op };
};

/** What a format-2 event takes from outside its bytes: its envelope's id, its vault, its batch. */
export interface EventBodyContext {
  readonly id: EventId;
  readonly vaultId: VaultId;
  /** The checkpoint of the batch that covers the event (18.1), or null. */
  readonly checkpoint: Checkpoint | null;
}

const readEventBody = (c: CborCursor, context: EventBodyContext): Event => {
  const length = readArrayLength(c, "event");
  const version = length > 0 && peekMajor(c) === 0 ? readUint(c, "version") : undefined;
  if (version !== EVENT_BODY_FORMAT_VERSION)
    fail(`unsupported event format version ${String(version)}`);
  if (length !== 4) fail("event must have 4 elements");
  const itemId = uuidAt(c.bytes, readUuid(c, "item id", true)) as ItemId;
  const hlc = readHlc(c, "hlc");
  const op = readOp(c);
  expectEnd(c);
  return {
    id: context.id,
    vaultId: context.vaultId,
    itemId,
    hlc,
    checkpoint: context.checkpoint,
    op,
  };
};

const decoding = <T>(read: () => T): Result<T, EventDecodeError> => {
  try {
    return ok(read());
  } catch (error) {
    if (error instanceof DecodeFailure)
      return err({ kind: "invalid-event", reason: error.message });
    const reason = error instanceof Error ? error.message : "undecodable";
    return err({ kind: "invalid-event", reason: `malformed CBOR: ${reason}` });
  }
};

/** Decodes and validates an event; refuses anything malformed or not in canonical form. */
export const decodeEvent = (bytes: Uint8Array): Result<Event, EventDecodeError> =>
  decoding(() => readEvent(createCursor(bytes)));

/**
 * Decodes and validates a format-2 event (`encodeEventBody`), completed with `context`; refuses
 * anything malformed or not in canonical form, so each event body has exactly one byte form.
 */
export const decodeEventBody = (
  bytes: Uint8Array,
  context: EventBodyContext,
): Result<Event, EventDecodeError> => decoding(() => readEventBody(createCursor(bytes), context));
