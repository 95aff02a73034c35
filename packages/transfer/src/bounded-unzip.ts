/**
 * One entry of a zip file, inflated with a bound: the compressed bytes go to fflate in small
 * chunks, so no chunk can inflate past a few MiB, and the entry stops once its output passes
 * `maxBytes` (a zip bomb is refused, not expanded).
 */

import { Unzip, UnzipInflate } from "fflate";

export type UnzipResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly message: string };

const CHUNK = 4096;

export const unzipEntry = (zip: Uint8Array, name: string, maxBytes: number): UnzipResult => {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let found = false;
  let done = false;
  let failure: string | undefined;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    if (file.name !== name || found) return;
    found = true;
    file.ondata = (error, data, final) => {
      if (failure !== undefined) return;
      if (error !== null) {
        failure = `${name} is damaged`;
        return;
      }
      total += data.length;
      if (total > maxBytes) {
        failure = `${name} inflates past ${Math.round(maxBytes / 1024 / 1024)} MiB (a zip bomb?)`;
        file.terminate();
        return;
      }
      chunks.push(data);
      if (final) done = true;
    };
    file.start();
  };
  try {
    for (let offset = 0; offset < zip.length && failure === undefined && !done; offset += CHUNK)
      unzip.push(zip.subarray(offset, offset + CHUNK), offset + CHUNK >= zip.length);
  } catch {
    return { ok: false, message: "not a readable zip file" };
  }
  if (failure !== undefined) return { ok: false, message: failure };
  if (!found) return { ok: false, message: `the zip file holds no ${name}` };
  if (!done) return { ok: false, message: `${name} is cut short` };
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes };
};
