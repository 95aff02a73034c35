/** Byte helpers shared by every package: concatenation, comparison, hex, UTF-8 and base64url. */

/**
 * A plain `Uint8Array` over the same memory. Some libraries return Node `Buffer`s, whose `slice`
 * makes a view instead of a copy; plain arrays behave the same on every platform.
 */
export const asPlainBytes = (bytes: Uint8Array): Uint8Array =>
  bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const concatBytes = (...parts: readonly Uint8Array[]): Uint8Array => {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Lexicographic comparison of two byte strings: negative, zero or positive. */
export const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
};

const hexDigits = "0123456789abcdef";
const hexByByte: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => (hexDigits[i >> 4] as string) + (hexDigits[i & 15] as string),
);

export const bytesToHex = (bytes: Uint8Array): string => {
  let out = "";
  for (const byte of bytes) out += hexByByte[byte];
  return out;
};

const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
};

/** Parses lowercase or uppercase hex; throws on odd length or a non-hex character. */
export const hexToBytes = (hex: string): Uint8Array => {
  if (hex.length % 2 !== 0)
    throw new Error(`expected an even number of hex digits, got ${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new Error(`invalid hex digit at position ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
};

export const isHex = (value: string, bytes?: number): boolean =>
  (bytes === undefined ? value.length % 2 === 0 : value.length === bytes * 2) &&
  /^[0-9a-f]*$/.test(value);

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export const utf8ToBytes = (text: string): Uint8Array => encoder.encode(text);

/** Decodes UTF-8, throwing on malformed input rather than inventing replacement characters. */
export const bytesToUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64Value = new Int16Array(128).fill(-1);
for (let i = 0; i < b64Alphabet.length; i++) b64Value[b64Alphabet.charCodeAt(i)] = i;

/** Unpadded base64url (RFC 4648 §5), the encoding of bytes in JSON on the wire. */
export const bytesToBase64Url = (bytes: Uint8Array): string => {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      b64Alphabet[n >> 18]! +
      b64Alphabet[(n >> 12) & 63]! +
      b64Alphabet[(n >> 6) & 63]! +
      b64Alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += b64Alphabet[n >> 18]! + b64Alphabet[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += b64Alphabet[n >> 18]! + b64Alphabet[(n >> 12) & 63]! + b64Alphabet[(n >> 6) & 63]!;
  }
  return out;
};

/** Parses unpadded base64url; throws on any other character, a bad length, or non-canonical trailing bits. */
export const base64UrlToBytes = (text: string): Uint8Array => {
  if (text.length % 4 === 1) throw new Error("invalid base64url length");
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (b64Value[code] as number) : -1;
    if (v < 0) throw new Error(`invalid base64url character at position ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new Error("non-canonical base64url");
  return out;
};
