/**
 * Reading ids and clocks from canonical CBOR, for the event and item-state codecs: a UUID is a
 * 16-byte string, an HLC 16 bytes. The device ids every clock repeats are interned.
 */

import { bytesToHex } from "@keypears/base";
import { createBytesInterner } from "./bytes-interner.ts";
import {
  type CborCursor,
  compareBytesAt,
  exactArray,
  fail,
  readArrayLength,
  readBytesOf,
} from "./canonical-cbor.ts";
import { HLC_BYTES, type Hlc } from "./hlc.ts";
import { type DeviceId, type EventId, hasUuidVariant, uuidAt } from "./ids.ts";

/**
 * Consumes a UUID and returns where its 16 bytes start. `checkVariant` refuses one without the
 * variant bits, which `uuidToBytes` demands, so the encoders never write one.
 */
export const readUuid = (c: CborCursor, what: string, checkVariant: boolean): number => {
  const start = readBytesOf(c, 16, what);
  if (checkVariant && !hasUuidVariant(c.bytes, start)) fail(`${what} is not a UUID`);
  return start;
};

/** A list of ids as the codec wrote it; `sorted` demands strictly increasing ids (no duplicates). */
export const readIdList = (
  c: CborCursor,
  what: string,
  canonical: boolean,
  sorted: boolean,
): EventId[] => {
  const length = readArrayLength(c, what);
  const list = exactArray<EventId>(length);
  let previous = -1;
  for (let i = 0; i < length; i++) {
    const start = readUuid(c, what, canonical);
    // Bytewise order is the order of the lowercase hex text the ids are sorted by.
    if (sorted && previous >= 0 && compareBytesAt(c.bytes, previous, start, 16) >= 0)
      fail("not in canonical form");
    list[i] = uuidAt(c.bytes, start) as EventId;
    previous = start;
  }
  return list;
};

const deviceIds = createBytesInterner(64, 8, (bytes, start, end) =>
  bytesToHex(bytes.subarray(start, end)),
);

/** An HLC: every 16 bytes are a valid one (`hlcFromBytes`). */
export const readHlc = (c: CborCursor, what: string): Hlc => {
  const start = readBytesOf(c, HLC_BYTES, what);
  const { bytes } = c;
  let millis = 0;
  for (let i = 0; i < 6; i++) millis = millis * 256 + (bytes[start + i] as number);
  const counter = ((bytes[start + 6] as number) << 8) | (bytes[start + 7] as number);
  return { millis, counter, node: deviceIds(bytes, start + 8, start + 16) as DeviceId };
};
