/**
 * The canonical CBOR this client writes (PROTOCOL.md section 1): integers, byte strings, text,
 * arrays, booleans and null, every head in its shortest form, definite lengths.
 */

import { concat, utf8 } from "./bytes.ts";

export type Cbor = null | boolean | number | string | Uint8Array | readonly Cbor[];

const head = (major: number, argument: number): Uint8Array => {
  const top = major << 5;
  if (argument < 24) return Uint8Array.of(top | argument);
  if (argument < 0x100) return Uint8Array.of(top | 24, argument);
  if (argument < 0x10000) return Uint8Array.of(top | 25, argument >> 8, argument & 0xff);
  const out = new DataView(new ArrayBuffer(argument < 2 ** 32 ? 5 : 9));
  if (argument < 2 ** 32) {
    out.setUint8(0, top | 26);
    out.setUint32(1, argument);
  } else {
    out.setUint8(0, top | 27);
    out.setUint32(1, Math.floor(argument / 2 ** 32));
    out.setUint32(5, argument >>> 0);
  }
  return new Uint8Array(out.buffer);
};

export const encodeCbor = (value: Cbor): Uint8Array => {
  if (value === null) return Uint8Array.of(0xf6);
  if (value === false) return Uint8Array.of(0xf4);
  if (value === true) return Uint8Array.of(0xf5);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === "string") {
    const bytes = utf8(value);
    return concat(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  return concat(head(4, value.length), ...value.map(encodeCbor));
};
