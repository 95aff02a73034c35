/** Overwrites key material with zeros once it is no longer needed (on lock, after derivation). */

/**
 * Best effort only: JavaScript engines may have copied the bytes elsewhere (garbage
 * collection, strings, WebAssembly memory), so this shortens a key's life in memory rather
 * than guaranteeing its erasure.
 */
export const wipe = (...buffers: readonly Uint8Array[]): void => {
  for (const buffer of buffers) buffer.fill(0);
};
