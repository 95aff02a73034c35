/**
 * The byte form of an item's merge state: every write and lifecycle change with its links, in
 * deterministic CBOR. A device stores it (sealed) so an edit does not re-read the item's events,
 * and a snapshot is the set of these, so a new device starts without replaying the log.
 */

import { asPlainBytes, err, ok, type Result } from "@keypears/base";
import { encode } from "cborg";
import {
  type CborCursor,
  compareBytesAt,
  createCursor,
  DecodeFailure,
  expectEnd,
  fail,
  peekMajor,
  readArrayLength,
  readFieldValue,
  readText,
  readTuple,
  readUint,
} from "./canonical-cbor.ts";
import { readHlc, readIdList, readUuid } from "./canonical-ids.ts";
import { compareCodePoints, type LifecycleKind } from "./event.ts";
import { hlcToBytes } from "./hlc.ts";
import { type EventId, type ItemId, uuidAt, uuidToBytes } from "./ids.ts";
import {
  addLifecycle,
  addWrite,
  type AppliedEvent,
  createItemState,
  type ItemState,
} from "./item-state.ts";

const STATE_FORMAT_VERSION = 1;
const codeByKind = { set: 0, delete: 1, restore: 2, purge: 3 } as const;
const kindByCode = ["set", "delete", "restore", "purge"] as const;

const byId = <T extends { readonly eventId: EventId }>(a: T, b: T) =>
  a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
const ids = (list: readonly EventId[]) => list.map(uuidToBytes);

export const encodeItemState = (state: ItemState): Uint8Array => {
  const applied = [...state.applied]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, event]) => [uuidToBytes(id), hlcToBytes(event.hlc), codeByKind[event.kind]]);
  const fields = [...state.fields]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([name, field]) => [
      name,
      [...field.writes.values()]
        .sort(byId)
        .map((w) => [uuidToBytes(w.eventId), w.value, ids(w.basedOn), ids(w.lifecycleSeen)]),
    ]);
  const lifecycle = [...state.lifecycle.values()]
    .sort(byId)
    .map((record) => [
      uuidToBytes(record.eventId),
      ids(record.basedOn),
      [...record.seenFields]
        .sort(([a], [b]) => compareCodePoints(a, b))
        .map(([name, heads]) => [name, ids(heads)]),
    ]);
  return asPlainBytes(
    encode([STATE_FORMAT_VERSION, uuidToBytes(state.itemId), applied, fields, lifecycle]),
  );
};

export type ItemStateDecodeError = { readonly kind: "invalid-item-state"; readonly reason: string };

export interface DecodeItemStateOptions {
  /**
   * The bytes are known to be ones this code wrote (they opened under the vault's key): skip the
   * checks that prove they are canonical (order, duplicates, id variant bits, no empty field).
   */
  readonly trusted?: boolean;
}

/*
 * Like `decodeEvent`, decoding checks canonical form as it reads instead of re-encoding, and
 * accepts exactly what the re-encoding check accepted (`item-state-codec-equivalence.test.ts`).
 * Beyond `canonical-cbor.ts`: every id has the UUID variant bits; applied events, each field's
 * writes and lifecycle changes are strictly increasing by id; fields and each change's seen fields
 * strictly increasing by name; no field without writes. The id lists
 * of a write or change are stored as they were applied, so their order is free. Trusted bytes
 * skip those checks, so what this code wrote decodes as it did before (a duplicate merges); text is
 * decoded as written, a leading U+FEFF included (cborg's decoding used to drop it, changing the
 * value on every reload). Anything else the encoder cannot write
 * (floats, maps, extra elements, malformed UTF-8) is refused even when trusted.
 */

/** Decodes a stored merge state; refuses anything malformed, inconsistent or not canonical. */
export const decodeItemState = (
  bytes: Uint8Array,
  options: DecodeItemStateOptions = {},
): Result<ItemState, ItemStateDecodeError> => {
  try {
    return ok(readItemState(createCursor(bytes), options.trusted !== true));
  } catch (error) {
    const reason =
      error instanceof DecodeFailure
        ? error.message
        : `malformed: ${error instanceof Error ? error.message : "?"}`;
    return err({ kind: "invalid-item-state", reason });
  }
};

const readItemState = (c: CborCursor, canonical: boolean): ItemState => {
  const length = readArrayLength(c, "state");
  const version = length > 0 && peekMajor(c) === 0 ? readUint(c, "version") : undefined;
  if (version !== STATE_FORMAT_VERSION || length !== 5) fail("unsupported state format");
  const state = createItemState(readId(c, "item id", canonical) as string as ItemId);
  readApplied(c, state, canonical);
  readFields(c, state, canonical);
  readLifecycle(c, state, canonical);
  expectEnd(c);
  return state;
};

/** Reads ids of a sorted list: each must follow `previous` (where the last one started, or -1). */
const readIdAfter = (c: CborCursor, previous: number, what: string, canonical: boolean): number => {
  const start = readUuid(c, what, canonical);
  if (canonical && previous >= 0 && compareBytesAt(c.bytes, previous, start, 16) >= 0)
    fail("not in canonical form");
  return start;
};

const readId = (c: CborCursor, what: string, canonical: boolean): EventId =>
  uuidAt(c.bytes, readUuid(c, what, canonical)) as EventId;

const readIds = (c: CborCursor, canonical: boolean): EventId[] =>
  readIdList(c, "id list", canonical, false);

const readApplied = (c: CborCursor, state: ItemState, canonical: boolean): void => {
  const count = readArrayLength(c, "applied");
  let previous = -1;
  for (let i = 0; i < count; i++) {
    readTuple(c, 3, "applied event");
    previous = readIdAfter(c, previous, "applied event id", canonical);
    const hlc = readHlc(c, "applied event hlc");
    const kind = peekMajor(c) === 0 ? kindByCode[readUint(c, "kind")] : undefined;
    if (kind === undefined) fail("invalid applied event");
    state.applied.set(uuidAt(c.bytes, previous) as EventId, {
      hlc,
      kind: kind as AppliedEvent["kind"],
    });
  }
};

const appliedAs = (state: ItemState, id: EventId, lifecycle: boolean): AppliedEvent => {
  const event = state.applied.get(id);
  return event !== undefined && (event.kind !== "set") === lifecycle
    ? event
    : fail(`write ${id} has no matching applied event`);
};

const readName = (
  c: CborCursor,
  what: string,
  previous: string | undefined,
  canonical: boolean,
) => {
  const name = readText(c, what);
  if (canonical && previous !== undefined && compareCodePoints(previous, name) >= 0)
    fail("not in canonical form");
  return name;
};

const readFields = (c: CborCursor, state: ItemState, canonical: boolean): void => {
  const count = readArrayLength(c, "fields");
  let name: string | undefined;
  for (let i = 0; i < count; i++) {
    readTuple(c, 2, "field");
    name = readName(c, "field name", name, canonical);
    if (name === "") fail("invalid field name");
    const writes = readArrayLength(c, "writes");
    if (canonical && writes === 0) fail("not in canonical form"); // the encoder writes no empty field
    let previous = -1;
    for (let j = 0; j < writes; j++) {
      readTuple(c, 4, "write");
      previous = readIdAfter(c, previous, "write id", canonical);
      const eventId = uuidAt(c.bytes, previous) as EventId;
      addWrite(state, {
        eventId,
        field: name,
        hlc: appliedAs(state, eventId, false).hlc,
        value: readFieldValue(c),
        basedOn: readIds(c, canonical),
        lifecycleSeen: readIds(c, canonical),
      });
    }
  }
};

const readLifecycle = (c: CborCursor, state: ItemState, canonical: boolean): void => {
  const count = readArrayLength(c, "lifecycle");
  let previous = -1;
  for (let i = 0; i < count; i++) {
    readTuple(c, 3, "lifecycle change");
    previous = readIdAfter(c, previous, "lifecycle change id", canonical);
    const eventId = uuidAt(c.bytes, previous) as EventId;
    const applied = appliedAs(state, eventId, true);
    const basedOn = readIds(c, canonical);
    const seenFields = new Map<string, readonly EventId[]>();
    const seen = readArrayLength(c, "seen fields");
    let name: string | undefined;
    for (let j = 0; j < seen; j++) {
      readTuple(c, 2, "seen field");
      name = readName(c, "seen field name", name, canonical);
      seenFields.set(name, readIds(c, canonical));
    }
    addLifecycle(state, {
      eventId,
      hlc: applied.hlc,
      kind: applied.kind as LifecycleKind,
      basedOn,
      seenFields,
    });
  }
};
