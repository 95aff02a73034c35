/** Wall-clock timing of one run and of warmed-up repeated runs, each starting from a collected heap. */

import { collectGarbage } from "./gc.ts";

/**
 * Times one call of `fn` in milliseconds. Garbage is collected first when possible, so a run does
 * not pay for collecting what the previous run left behind.
 */
export const timeOnce = (fn: () => void): number => timed(fn).ms;

/** Like `timeOnce`, and keeps what `fn` returned. */
export const timed = <T>(fn: () => T): { readonly ms: number; readonly result: T } => {
  if (globalThis.gc !== undefined) collectGarbage();
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
};

export interface RepeatOptions {
  /** Runs made first and thrown away (JIT compilation, caches). */
  readonly warmups: number;
  readonly runs: number;
}

/** Times `fn` `runs` times after `warmups` discarded runs; `setup` (untimed) prepares each run. */
export const timeRepeated = <T>(
  setup: () => T,
  fn: (prepared: T) => void,
  options: RepeatOptions,
): number[] => {
  const samples: number[] = [];
  for (let i = 0; i < options.warmups + options.runs; i++) {
    const prepared = setup();
    const ms = timeOnce(() => fn(prepared));
    if (i >= options.warmups) samples.push(ms);
  }
  return samples;
};
