/**
 * A reader for the subset of deterministic CBOR (RFC 8949 §4.2.1) that KeyPears writes: unsigned
 * and negative integers, byte strings, text strings, arrays, false, true and null, every head in
 * its shortest form and every length definite. Anything else (maps, tags, floats, undefined, other
 * simple values, indefinite lengths, longer heads than needed, integers past 2^53 - 1) is refused,
 * so a codec built on it needs only to check its own order rules to accept exactly the bytes its
 * encoder (cborg's `encode`) writes.
 */

import { asPlainBytes } from "@keypears/base";
import { type FieldValue, MAX_VALUE_DEPTH } from "./event.ts";

/** Why bytes were refused; the codecs turn it into their error value. */
export class DecodeFailure extends Error {}

export const fail = (reason: string): never => {
  throw new DecodeFailure(reason);
};

/** Where decoding has got to in `bytes`. */
export interface CborCursor {
  readonly bytes: Uint8Array;
  pos: number;
}

export const createCursor = (bytes: Uint8Array): CborCursor => {
  if (!(bytes instanceof Uint8Array)) fail("malformed CBOR: expected bytes");
  return { bytes: asPlainBytes(bytes), pos: 0 };
};

const UINT = 0;
const NEGINT = 1;
const BYTES = 2;
const TEXT = 3;
const ARRAY = 4;
const FALSE = 0xf4;
const TRUE = 0xf5;
const NULL = 0xf6;

const need = (c: CborCursor, count: number): void => {
  if (count > c.bytes.length - c.pos) fail("malformed CBOR: unexpected end of input");
};

/** The major type of the next item, not consumed. */
export const peekMajor = (c: CborCursor): number => {
  need(c, 1);
  return (c.bytes[c.pos] as number) >> 5;
};

const notShortest = (): never => fail("malformed CBOR: a head is longer than needed");

/** Consumes the next item's head (major types 0-4) and returns its argument. */
const readArgument = (c: CborCursor): number => {
  const { bytes, pos } = c;
  const minor = (bytes[pos] as number) & 31;
  if (minor < 24) {
    c.pos = pos + 1;
    return minor;
  }
  const size = minor === 24 ? 1 : minor === 25 ? 2 : minor === 26 ? 4 : minor === 27 ? 8 : 0;
  if (size === 0) fail(`malformed CBOR: ${minor === 31 ? "indefinite length" : "reserved head"}`);
  need(c, 1 + size);
  let value = 0;
  for (let i = 1; i <= size; i++) value = value * 256 + (bytes[pos + i] as number);
  if (size === 8) {
    // Only the top 32 bits can overflow; a number past 2^53 - 1 is refused, as cborg did.
    const high = ((bytes[pos + 1] as number) << 24) | ((bytes[pos + 2] as number) << 16);
    if ((high | ((bytes[pos + 3] as number) << 8) | (bytes[pos + 4] as number)) === 0)
      notShortest();
    if (value > Number.MAX_SAFE_INTEGER) fail("malformed CBOR: integer past 2^53 - 1");
  } else if (value < (size === 1 ? 24 : 2 ** (8 * (size / 2)))) notShortest();
  c.pos = pos + 1 + size;
  return value;
};

const readHead = (c: CborCursor, major: number, what: string, expected: string): number => {
  if (peekMajor(c) !== major) mismatch(c, what, expected);
  return readArgument(c);
};

const mismatch = (c: CborCursor, what: string, expected: string): never => {
  const minor = (c.bytes[c.pos] as number) & 31;
  if (minor === 31) return fail("malformed CBOR: indefinite length or unexpected break");
  return fail(minor >= 28 ? "malformed CBOR: reserved head" : `${what} must be ${expected}`);
};

export const readArrayLength = (c: CborCursor, what: string): number => {
  const length = readHead(c, ARRAY, what, "an array");
  // Each element takes a byte at least: a longer claim is truncated input, refused before allocating.
  need(c, length);
  return length;
};

/** Consumes the head of an array that must hold exactly `length` elements. */
export const readTuple = (c: CborCursor, length: number, what: string): void => {
  if (readArrayLength(c, what) !== length) fail(`${what} must have ${length} elements`);
};

export const readUint = (c: CborCursor, what: string): number =>
  readHead(c, UINT, what, "a non-negative integer");

/** Consumes a byte string of exactly `length` bytes and returns where its content starts. */
export const readBytesOf = (c: CborCursor, length: number, what: string): number => {
  if (peekMajor(c) !== BYTES) mismatch(c, what, `${length} bytes`);
  if (readArgument(c) !== length) fail(`${what} must be ${length} bytes`);
  need(c, length);
  const start = c.pos;
  c.pos += length;
  return start;
};

/** Consumes a byte string of any length and returns where its content starts; it ends at the cursor. */
export const readByteString = (c: CborCursor, what: string): number => {
  const length = readHead(c, BYTES, what, "a byte string");
  need(c, length);
  const start = c.pos;
  c.pos += length;
  return start;
};

/** Consumes a text string and returns where its UTF-8 starts; it ends at the cursor. */
export const readTextBounds = (c: CborCursor, what: string): number => {
  const length = readHead(c, TEXT, what, "text");
  need(c, length);
  const start = c.pos;
  c.pos += length;
  return start;
};

// `ignoreBOM`: a text that starts with U+FEFF keeps it, so it decodes to exactly what was encoded.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, refusing malformed input (which cborg would have replaced with U+FFFD). */
export const decodeText = (bytes: Uint8Array, start: number, end: number): string => {
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    return fail("malformed CBOR: text is not UTF-8");
  }
};

/** Reads text: every well-formed UTF-8 text is canonical. */
export const readText = (c: CborCursor, what: string): string => {
  const start = readTextBounds(c, what);
  return decodeText(c.bytes, start, c.pos);
};

/** Consumes a null if one is next. */
export const readNull = (c: CborCursor): boolean => {
  if (c.bytes[c.pos] !== NULL) return false;
  c.pos++;
  return true;
};

/** Reads a field value: what `isFieldValue` accepts, and nothing that would encode differently. */
export const readFieldValue = (c: CborCursor, depth = 0): FieldValue => {
  const major = peekMajor(c);
  if (major === UINT) return readArgument(c);
  if (major === NEGINT) {
    const value = -1 - readArgument(c);
    return value >= Number.MIN_SAFE_INTEGER ? value : fail("malformed CBOR: integer past -2^53");
  }
  if (major === TEXT) return readText(c, "field value");
  if (major === ARRAY) {
    if (depth >= MAX_VALUE_DEPTH) fail("field value has an unsupported type (nested too deeply)");
    const length = readArrayLength(c, "field value");
    const list = exactArray<FieldValue>(length);
    for (let i = 0; i < length; i++) list[i] = readFieldValue(c, depth + 1);
    return list;
  }
  const simple = c.bytes[c.pos];
  if (simple !== FALSE && simple !== TRUE && simple !== NULL)
    fail("field value has an unsupported type");
  c.pos++;
  return simple === NULL ? null : simple === TRUE;
};

const noElements: never[] = Object.freeze([]) as never[];

/**
 * An array of `length` slots, to be filled in order; for no slots, one shared frozen array. Decoded
 * lists live as long as the merge state that keeps them: grown by `push`, a one-element list would
 * hold room for 17, and most lists (`lifecycleSeen`, a first write's `basedOn`) are empty.
 */
export const exactArray = <T>(length: number): T[] =>
  // oxlint-disable-next-line unicorn/no-new-array -- a length is meant: `Array.from` is far slower
  length === 0 ? noElements : new Array<T>(length);

export const expectEnd = (c: CborCursor): void => {
  if (c.pos !== c.bytes.length) fail("malformed CBOR: bytes after the end");
};

/** Compares the `length` bytes at `a` and at `b` of `bytes`, as unsigned bytes. */
export const compareBytesAt = (bytes: Uint8Array, a: number, b: number, length: number): number => {
  for (let i = 0; i < length; i++) {
    const d = (bytes[a + i] as number) - (bytes[b + i] as number);
    if (d !== 0) return d;
  }
  return 0;
};
