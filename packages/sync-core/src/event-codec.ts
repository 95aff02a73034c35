/**
 * The one canonical byte encoding of an event (deterministic CBOR, RFC 8949 §4.2, as arrays): the
 * bytes that are encrypted, stored and hashed. Decoding accepts only canonical input: any other
 * encoding of the same event (unsorted lists, long-form integers, duplicates) is refused, so an
 * event has exactly one byte form.
 */

import { asPlainBytes, bytesEqual, err, ok, type Result } from "@keypears/base";
import { decode, encode } from "cborg";
import {
  type Event,
  type EventOp,
  type FieldHeads,
  type FieldValue,
  type FieldWrite,
  isFieldValue,
  type LifecycleKind,
  MAX_FIELD_NAME_LENGTH,
  normalizeOp,
} from "./event.ts";
import type { ChainHash, Checkpoint } from "./hash-chain.ts";
import { type Hlc, hlcFromBytes, hlcToBytes, isValidHlc } from "./hlc.ts";
import { bytesToUuid, type EventId, type ItemId, uuidToBytes, type VaultId } from "./ids.ts";

export const EVENT_FORMAT_VERSION = 1;

const opCodeByKind = { set: 0, delete: 1, restore: 2, purge: 3 } as const;
const lifecycleKindByCode: Readonly<Record<number, LifecycleKind>> = {
  1: "delete",
  2: "restore",
  3: "purge",
};

export type EventDecodeError = { readonly kind: "invalid-event"; readonly reason: string };

const ids = (list: readonly string[]): Uint8Array[] => list.map(uuidToBytes);

/** Encodes an event in canonical form (lists sorted and de-duplicated first). */
export const encodeEvent = (event: Event): Uint8Array => {
  const op = normalizeOp(event.op);
  const encodedOp =
    op.kind === "set"
      ? [
          opCodeByKind.set,
          ids(op.lifecycleSeen),
          op.fields.map((f) => [f.name, f.value, ids(f.basedOn)]),
        ]
      : [opCodeByKind[op.kind], ids(op.basedOn), op.seenFields.map((f) => [f.name, ids(f.heads)])];
  return asPlainBytes(
    encode([
      EVENT_FORMAT_VERSION,
      uuidToBytes(event.vaultId),
      uuidToBytes(event.id),
      uuidToBytes(event.itemId),
      hlcToBytes(event.hlc),
      event.checkpoint === null ? null : [event.checkpoint.position, event.checkpoint.hash],
      encodedOp,
    ]),
  );
};

const decodeOptions = {
  strict: true,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
} as const;

class Invalid extends Error {}
const fail = (reason: string): never => {
  throw new Invalid(reason);
};

const asArray = (value: unknown, what: string): unknown[] =>
  Array.isArray(value) ? value : fail(`${what} must be an array`);

const asBytes = (value: unknown, length: number, what: string): Uint8Array =>
  value instanceof Uint8Array && value.length === length
    ? value
    : fail(`${what} must be ${length} bytes`);

const asUuid = (value: unknown, what: string): string => {
  const uuid = bytesToUuid(asBytes(value, 16, what));
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab]/.test(uuid)
    ? uuid
    : fail(`${what} is not a UUID`);
};

const asIdList = (value: unknown, what: string): EventId[] =>
  asArray(value, what).map((id) => asUuid(id, `${what} entry`) as EventId);

const asName = (value: unknown): string =>
  typeof value === "string" && value.length > 0 && value.length <= MAX_FIELD_NAME_LENGTH
    ? value
    : fail(`field name must be 1-${MAX_FIELD_NAME_LENGTH} characters`);

const decodeOp = (value: unknown): EventOp => {
  const [code, first, second, ...rest] = asArray(value, "op");
  if (rest.length > 0) fail("op has extra elements");
  if (code === opCodeByKind.set) {
    const fields = asArray(second, "fields").map((entry): FieldWrite => {
      const [name, fieldValue, basedOn, ...extra] = asArray(entry, "field write");
      if (extra.length > 0) fail("field write has extra elements");
      if (!isFieldValue(fieldValue)) fail("field value has an unsupported type");
      return {
        name: asName(name),
        value: fieldValue as FieldValue,
        basedOn: asIdList(basedOn, "basedOn"),
      };
    });
    if (fields.length === 0) fail("a set event must write at least one field");
    if (new Set(fields.map((f) => f.name)).size !== fields.length) fail("a field is written twice");
    return { kind: "set", lifecycleSeen: asIdList(first, "lifecycleSeen"), fields };
  }
  const kind = typeof code === "number" ? lifecycleKindByCode[code] : undefined;
  if (kind === undefined) return fail(`unknown op code ${String(code)}`);
  const seenFields = asArray(second, "seenFields").map((entry): FieldHeads => {
    const [name, heads, ...extra] = asArray(entry, "seen field");
    if (extra.length > 0) fail("seen field has extra elements");
    return { name: asName(name), heads: asIdList(heads, "heads") };
  });
  if (new Set(seenFields.map((f) => f.name)).size !== seenFields.length)
    fail("a seen field is listed twice");
  return { kind, basedOn: asIdList(first, "basedOn"), seenFields };
};

const decodeCheckpoint = (value: unknown): Checkpoint | null => {
  if (value === null) return null;
  const [position, hash, ...extra] = asArray(value, "checkpoint");
  if (extra.length > 0) fail("checkpoint has extra elements");
  if (typeof position !== "number" || !Number.isSafeInteger(position) || position < 0) {
    fail("checkpoint position must be a non-negative integer");
  }
  return { position: position as number, hash: asBytes(hash, 32, "checkpoint hash") as ChainHash };
};

/** Decodes and validates an event; refuses anything malformed or not in canonical form. */
export const decodeEvent = (bytes: Uint8Array): Result<Event, EventDecodeError> => {
  try {
    const [version, vaultId, id, itemId, hlcBytes, checkpoint, op, ...extra] = asArray(
      decode(bytes, decodeOptions),
      "event",
    );
    if (version !== EVENT_FORMAT_VERSION)
      fail(`unsupported event format version ${String(version)}`);
    if (extra.length > 0) fail("event has extra elements");
    const hlc = hlcFromBytes(asBytes(hlcBytes, 16, "hlc"));
    if (!hlc.ok || !isValidHlc(hlc.value)) fail("invalid hlc");
    const event: Event = {
      id: asUuid(id, "event id") as EventId,
      vaultId: asUuid(vaultId, "vault id") as VaultId,
      itemId: asUuid(itemId, "item id") as ItemId,
      hlc: (hlc as { value: Hlc }).value,
      checkpoint: decodeCheckpoint(checkpoint),
      op: decodeOp(op),
    };
    if (!bytesEqual(encodeEvent(event), bytes)) fail("not in canonical form");
    return ok(event);
  } catch (error) {
    if (error instanceof Invalid) return err({ kind: "invalid-event", reason: error.message });
    const reason = error instanceof Error ? error.message : "undecodable";
    return err({ kind: "invalid-event", reason: `malformed CBOR: ${reason}` });
  }
};
