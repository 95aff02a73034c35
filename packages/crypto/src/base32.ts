/** Base32 (RFC 4648 §6), the encoding of TOTP secrets, and the bit packing shared with Crockford's alphabet. */

import { err, ok, type Result } from "@keypears/base";

export const RFC4648_BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export interface Base32Error {
  readonly kind: "invalid-base32";
  readonly reason: "invalid-character" | "invalid-length";
}

/** Packs bytes into 5-bit symbols of `alphabet`, without padding; the last symbol is zero-filled. */
export const encodeBase32 = (bytes: Uint8Array, alphabet: string): string => {
  if (alphabet.length !== 32)
    throw new Error(`expected a 32-symbol alphabet, got ${alphabet.length}`);
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out;
};

/**
 * Unpacks 5-bit symbol values into bytes. Returns undefined for a symbol count no encoder
 * produces (1, 3 or 6 symbols past a multiple of 8); `canonical` says the unused low bits
 * were zero.
 */
export const decodeBase32Values = (
  values: readonly number[],
): { readonly bytes: Uint8Array; readonly canonical: boolean } | undefined => {
  const rest = values.length % 8;
  if (rest === 1 || rest === 3 || rest === 6) return undefined;
  const bytes = new Uint8Array(Math.floor((values.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const value of values) {
    acc = ((acc << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 0xff;
    }
  }
  return { bytes, canonical: (acc & ((1 << bits) - 1)) === 0 };
};

/** RFC 4648 base32 with `=` padding, as the RFC's test vectors write it. */
export const bytesToBase32 = (bytes: Uint8Array): string => {
  const body = encodeBase32(bytes, RFC4648_BASE32_ALPHABET);
  return body + "=".repeat((8 - (body.length % 8)) % 8);
};

/**
 * Parses base32 as people and authenticator apps write it: any case, with or without
 * padding, with spaces or dashes between groups. Unused trailing bits are ignored, as most
 * authenticators do; invalid characters and impossible lengths are refused.
 */
export const parseBase32 = (text: string): Result<Uint8Array, Base32Error> => {
  const compact = text.replace(/[\s-]/g, "").toUpperCase().replace(/=+$/, "");
  const values: number[] = [];
  for (const char of compact) {
    const value = RFC4648_BASE32_ALPHABET.indexOf(char);
    if (value < 0) return err({ kind: "invalid-base32", reason: "invalid-character" });
    values.push(value);
  }
  const decoded = decodeBase32Values(values);
  if (decoded === undefined) return err({ kind: "invalid-base32", reason: "invalid-length" });
  return ok(decoded.bytes);
};
