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
  if (!purposePattern.test(purpose)) {
    throw new Error(
      `invalid associated-data purpose ${JSON.stringify(purpose)}: use lowercase letters and digits separated by "-", "/" or "."`,
    );
  }
  const chunks: Uint8Array[] = [utf8ToBytes(AD_PREFIX + purpose), Uint8Array.of(0)];
  parts.forEach((part, index) => chunks.push(encodePart(part, index)));
  return concatBytes(...chunks) as AssociatedData;
};

const encodePart = (part: AssociatedDataPart, index: number): Uint8Array => {
  if (part instanceof Uint8Array) return lengthPrefixed(tagBytes, part);
  if (typeof part === "string") {
    // TextEncoder would turn a lone surrogate into U+FFFD, making two strings encode alike.
    if (loneSurrogate.test(part)) {
      throw new Error(`associated-data part ${index} is not well-formed UTF-16`);
    }
    return lengthPrefixed(tagString, utf8ToBytes(part));
  }
  if (typeof part === "number" && Number.isSafeInteger(part) && part >= 0) {
    const out = new Uint8Array(9);
    const view = new DataView(out.buffer);
    out[0] = tagNumber;
    view.setUint32(1, Math.floor(part / 2 ** 32));
    view.setUint32(5, part >>> 0);
    return out;
  }
  throw new Error(
    `associated-data part ${index} must be bytes, a string or a non-negative safe integer, got ${String(part)}`,
  );
};

const lengthPrefixed = (tag: number, bytes: Uint8Array): Uint8Array => {
  const header = new Uint8Array(5);
  header[0] = tag;
  new DataView(header.buffer).setUint32(1, bytes.length);
  return concatBytes(header, bytes);
};
