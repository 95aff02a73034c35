/** A small seeded pseudo-random generator (the core's SplitMix32), so every workload is the same on every run. */

import { createSeededWords } from "@keypears/sync-core";

export interface Prng {
  /** A uniform 32-bit unsigned integer. */
  readonly next: () => number;
  /** A uniform integer in [0, bound). */
  readonly below: (bound: number) => number;
  /** A string of `length` characters drawn from `alphabet`. */
  readonly text: (length: number, alphabet: string) => string;
}

export const createPrng = (seed: number): Prng => {
  const next = createSeededWords(seed);
  // The modulo bias is below 1e-5 for the small bounds a workload uses, and it is the same for every system.
  const below = (bound: number): number => next() % bound;
  const text = (length: number, alphabet: string): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[below(alphabet.length)];
    return out;
  };
  return { next, below, text };
};
