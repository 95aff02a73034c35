/**
 * The compression port (raw DEFLATE, RFC 1951) for snapshots. The default is fflate, pure
 * JavaScript and the same everywhere; Node's adapter swaps in `node:zlib` for speed. Either can
 * inflate the other's output: the format is the standard's, not the library's.
 */

import { Inflate, deflateSync } from "fflate";

export interface Compression {
  readonly deflate: (plain: Uint8Array) => Uint8Array;
  /** Inflates, or throws when the input is not DEFLATE or would inflate past `maxLength` bytes. */
  readonly inflate: (compressed: Uint8Array, maxLength: number) => Uint8Array;
}

const CHUNK = 64 * 1024;

export const fflateCompression: Compression = {
  deflate: (plain) => deflateSync(plain, { level: 6 }),
  inflate: (compressed, maxLength) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const inflater = new Inflate((chunk) => {
      total += chunk.length;
      if (total > maxLength) throw new Error(`inflates past ${maxLength} bytes`);
      chunks.push(chunk);
    });
    // Fed in slices so an expanding input is stopped early, not after it filled memory.
    for (let offset = 0; offset < compressed.length; offset += CHUNK)
      inflater.push(compressed.subarray(offset, offset + CHUNK), false);
    inflater.push(new Uint8Array(0), true);
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  },
};
