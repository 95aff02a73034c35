/** The one canonical encoding of AEAD associated data, so that data bound to one context can never pass for another. */

import { type Brand, concatBytes, utf8ToBytes } from "@keypears/base";
import { AD_PREFIX } from "./labels.ts";

/** Bytes made by `associatedData`; `seal` and `open` take nothing else, so no caller invents its own encoding. */
export type AssociatedData = Brand<Uint8Array, "AssociatedData">;

export type AssociatedDataPart = Uint8Array | string | number;

const purposePattern = /^[a-z0-9]+(?:[-/.][a-z0-9]+)*$/;
const loneSurrogate = /\p{Cs}/u;

const tagBytes = 0x01;
const tagString = 0x02;
const tagNumber = 0x03;

/**
 * Encodes `"keypears/v1/" + purpose`, a zero byte, then each part as a type tag and its
 * value: bytes and strings (UTF-8) with a 4-byte big-endian length, numbers as 8-byte
 * big-endian unsigned integers.
 *
 * Why it cannot collide: the purpose contains no zero byte, so the terminator ends it
 * exactly; every part says its type and its length, so `("ab", "c")`, `("a", "bc")`,
 * `("abc")` and the bytes of `"abc"` all encode differently; and the whole is prefix-free,
 * so no list of parts encodes to another's prefix.
 */
export const associatedData = (
  purpose: string,
  ...parts: readonly AssociatedDataPart[]
): AssociatedData => {
  const head = purposeHeader(purpose);
  // Measure, then write once into one buffer: this runs for every box sealed or opened. Strings
  // are measured, not encoded, first (ASCII, as ids are, is one byte a character).
  let length = head.length;
  let unicode: (Uint8Array | undefined)[] | undefined;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (part instanceof Uint8Array) length += 5 + part.length;
    else if (typeof part === "string") {
      if (isAscii(part)) length += 5 + part.length;
      else {
        const bytes = encodeUnicode(part, index);
        (unicode ??= [])[index] = bytes;
        length += 5 + bytes.length;
      }
    } else if (typeof part === "number" && Number.isSafeInteger(part) && part >= 0) length += 9;
    else {
      throw new Error(
        `associated-data part ${index} must be bytes, a string or a non-negative safe integer, got ${String(part)}`,
      );
    }
  }
  const out = new Uint8Array(length);
  out.set(head, 0);
  let offset = head.length;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as AssociatedDataPart;
    if (typeof part === "number") {
      out[offset] = tagNumber;
      writeUint32(out, offset + 1, Math.floor(part / 2 ** 32));
      writeUint32(out, offset + 5, part >>> 0);
      offset += 9;
      continue;
    }
    const bytes = typeof part === "string" ? unicode?.[index] : part;
    if (bytes === undefined) {
      // An ASCII string, copied a character a byte.
      const text = part as string;
      out[offset] = tagString;
      writeUint32(out, offset + 1, text.length);
      offset += 5;
      for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
      offset += text.length;
      continue;
    }
    out[offset] = part instanceof Uint8Array ? tagBytes : tagString;
    writeUint32(out, offset + 1, bytes.length);
    out.set(bytes, offset + 5);
    offset += 5 + bytes.length;
  }
  return out as AssociatedData;
};

/** Big-endian, as DataView's setUint32 writes it (without a DataView per call). */
const writeUint32 = (out: Uint8Array, offset: number, value: number): void => {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
};

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** `"keypears/v1/" + purpose` and its zero terminator, checked and encoded once per purpose. */
const headers = new Map<string, Uint8Array>();
const purposeHeader = (purpose: string): Uint8Array => {
  let header = headers.get(purpose);
  if (header === undefined) {
    if (!purposePattern.test(purpose)) {
      throw new Error(
        `invalid associated-data purpose ${JSON.stringify(purpose)}: use lowercase letters and digits separated by "-", "/" or "."`,
      );
    }
    header = concatBytes(utf8ToBytes(AD_PREFIX + purpose), Uint8Array.of(0));
    headers.set(purpose, header);
  }
  return header;
};

const encodeUnicode = (text: string, index: number): Uint8Array => {
  // TextEncoder would turn a lone surrogate into U+FFFD, making two strings encode alike.
  if (loneSurrogate.test(text)) {
    throw new Error(`associated-data part ${index} is not well-formed UTF-16`);
  }
  return utf8ToBytes(text);
};
