/** A list of byte strings in one file (each prefixed by its 32-bit length), to hand update streams to workers. */

import { readFileSync, writeFileSync } from "node:fs";

export const writeFrames = (path: string, frames: readonly Uint8Array[]): number => {
  let length = 0;
  for (const frame of frames) length += 4 + frame.length;
  const out = Buffer.alloc(length);
  let offset = 0;
  for (const frame of frames) {
    out.writeUInt32LE(frame.length, offset);
    out.set(frame, offset + 4);
    offset += 4 + frame.length;
  }
  writeFileSync(path, out);
  return length;
};

/** Reads the frames back, each copied into its own buffer, as it would arrive from the network. */
export const readFrames = (path: string): Uint8Array[] => {
  const data = readFileSync(path);
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < data.length;) {
    const length = data.readUInt32LE(offset);
    if (offset + 4 + length > data.length)
      throw new Error(`truncated frame at byte ${offset} of ${path}`);
    frames.push(new Uint8Array(data.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  return frames;
};
