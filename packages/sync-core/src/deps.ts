/** The only sources of time and randomness the core uses, passed in so tests are deterministic and replayable. */

import { type RandomBytes, systemRandomBytes } from "@keypears/base";

/** Milliseconds since the Unix epoch, as `Date.now()` returns them. */
export type Now = () => number;

export type { RandomBytes } from "@keypears/base";

export interface CoreDeps {
  readonly now: Now;
  readonly randomBytes: RandomBytes;
}

export const systemDeps: CoreDeps = {
  now: () => Date.now(),
  randomBytes: systemRandomBytes,
};

/** SplitMix32: a small deterministic generator of 32-bit words; the same seed, the same words. */
export const createSeededWords = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
};

/**
 * Deterministic bytes for tests and simulations: the same seed always yields the same bytes, so
 * a failing property test replays exactly from its seed.
 */
export const createSeededRandom = (seed: number): RandomBytes => {
  const next = createSeededWords(seed);
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const word = next();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  };
};
