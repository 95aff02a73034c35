/**
 * Small caches from raw bytes to the string they decode to, so the vault id, the device ids and the
 * field names that every event repeats are converted once and then shared, instead of each event
 * allocating (and a replica retaining) its own copy.
 */

/** Makes the string for `bytes[start..end)`; may throw to refuse the bytes (nothing is cached then). */
export type StringFromBytes = (bytes: Uint8Array, start: number, end: number) => string;

/**
 * A direct-mapped cache of `slots` entries (a power of two) for keys of at most `maxLength` bytes:
 * a miss replaces whatever shared its slot, so memory stays bounded whatever the input.
 */
export const createBytesInterner = (
  slots: number,
  maxLength: number,
  make: StringFromBytes,
): StringFromBytes => {
  const keys: (Uint8Array | undefined)[] = Array.from({ length: slots }, () => undefined);
  const values: string[] = Array.from({ length: slots }, () => "");
  const mask = slots - 1;
  return (bytes, start, end) => {
    const length = end - start;
    if (length > maxLength) return make(bytes, start, end);
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
    const slot = hash & mask;
    const key = keys[slot];
    if (key !== undefined && key.length === length && equalAt(key, bytes, start))
      return values[slot] as string;
    const value = make(bytes, start, end);
    keys[slot] = bytes.slice(start, end);
    values[slot] = value;
    return value;
  };
};

const equalAt = (key: Uint8Array, bytes: Uint8Array, start: number): boolean => {
  for (let i = 0; i < key.length; i++) if (key[i] !== bytes[start + i]) return false;
  return true;
};
