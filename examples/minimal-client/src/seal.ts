/** Associated data, the sealed box and event padding (PROTOCOL.md section 6). */

import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { concat, len32, utf8 } from "./bytes.ts";

export type AdPart = Uint8Array | string | number;

export const associatedData = (purpose: string, ...parts: readonly AdPart[]): Uint8Array =>
  concat(
    utf8(`keypears/v1/${purpose}`),
    Uint8Array.of(0),
    ...parts.map((part) => {
      if (typeof part === "number") {
        const out = new DataView(new ArrayBuffer(9));
        out.setUint8(0, 3);
        out.setUint32(1, Math.floor(part / 2 ** 32));
        out.setUint32(5, part >>> 0);
        return new Uint8Array(out.buffer);
      }
      const bytes = typeof part === "string" ? utf8(part) : part;
      return concat(Uint8Array.of(typeof part === "string" ? 2 : 1), len32(bytes.length), bytes);
    }),
  );

export const seal = (
  key: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
  nonce: Uint8Array,
): Uint8Array => {
  if (nonce.length !== 24) throw new Error("a nonce is 24 bytes");
  return concat(Uint8Array.of(1), nonce, xchacha20poly1305(key, nonce, ad).encrypt(plaintext));
};

export const open = (key: Uint8Array, box: Uint8Array, ad: Uint8Array): Uint8Array => {
  if (box.length < 41 || box[0] !== 1) throw new Error("not a sealed box");
  return xchacha20poly1305(key, box.subarray(1, 25), ad).decrypt(box.subarray(25));
};

/** ISO/IEC 7816-4 padding to a multiple of 32 bytes. */
export const pad = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(Math.ceil((bytes.length + 1) / 32) * 32);
  out.set(bytes);
  out[bytes.length] = 0x80;
  return out;
};
