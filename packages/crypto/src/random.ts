/** Where randomness comes from: an injected `RandomBytes` function, so tests can replay a seed. */

import type { RandomBytes } from "@keypears/base";

export { type RandomBytes, systemRandomBytes } from "@keypears/base";

/** Calls `random` and checks it kept its promise, so a broken source fails loudly instead of yielding short keys. */
export const drawRandomBytes = (random: RandomBytes, length: number): Uint8Array => {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new Error(`random source returned ${String(bytes?.length)} bytes, expected ${length}`);
  }
  return bytes;
};

/**
 * A uniformly random integer in [0, n), by rejection sampling on 32-bit draws: values at or
 * above the largest multiple of n are redrawn, so no residue is more likely than another
 * (plain `x % n` would favour the small ones).
 */
export const randomIndex = (n: number, random: RandomBytes): number => {
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 32) {
    throw new RangeError(`expected a range size between 1 and 2^32, got ${n}`);
  }
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const b = drawRandomBytes(random, 4);
    const value =
      (((b[0] as number) << 24) |
        ((b[1] as number) << 16) |
        ((b[2] as number) << 8) |
        (b[3] as number)) >>>
      0;
    if (value < limit) return value % n;
  }
};
