/**
 * Randomness: the `RandomBytes` type every package takes as a dependency, and the platform CSPRNG
 * behind a small pool, so the many short draws of an edit (nonces, ids) cost one system call per
 * 4 KiB instead of one each.
 */

/** Returns `length` bytes of randomness; production passes a CSPRNG, tests a seeded generator. */
export type RandomBytes = (length: number) => Uint8Array;

const POOL_SIZE = 4096;
/** Draws at most this long are served from the pool; longer ones go straight to the CSPRNG. */
const POOLED_MAX = 256;
/** `crypto.getRandomValues` refuses more than 65536 bytes per call. */
const MAX_CHUNK = 65536;

const pool = new Uint8Array(POOL_SIZE);
let used = POOL_SIZE;

const fill = (out: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
  for (let offset = 0; offset < out.length; offset += MAX_CHUNK) {
    crypto.getRandomValues(out.subarray(offset, Math.min(out.length, offset + MAX_CHUNK)));
  }
  return out;
};

/**
 * The platform CSPRNG (Web Crypto, in browsers and Node). Bytes handed out are copied from the
 * pool and wiped there, so no two callers ever share a byte and none lingers in the pool.
 */
export const systemRandomBytes: RandomBytes = (length) => {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`expected a non-negative integer length, got ${length}`);
  }
  if (length > POOLED_MAX) return fill(new Uint8Array(length));
  if (used + length > POOL_SIZE) {
    fill(pool);
    used = 0;
  }
  const out = pool.slice(used, used + length);
  pool.fill(0, used, used + length);
  used += length;
  return out;
};
