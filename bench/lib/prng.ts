/** A small seeded pseudo-random generator (SplitMix32), so every workload is the same on every run. */

export interface Prng {
  /** A uniform 32-bit unsigned integer. */
  readonly next: () => number;
  /** A uniform integer in [0, bound). */
  readonly below: (bound: number) => number;
  /** A string of `length` characters drawn from `alphabet`. */
  readonly text: (length: number, alphabet: string) => string;
}

export const createPrng = (seed: number): Prng => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  // The modulo bias is below 1e-5 for the small bounds a workload uses, and it is the same for every system.
  const below = (bound: number): number => next() % bound;
  const text = (length: number, alphabet: string): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[below(alphabet.length)];
    return out;
  };
  return { next, below, text };
};
