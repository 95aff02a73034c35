/**
 * Strength verdicts remembered by the write that holds the password, in memory only: a write's
 * value never changes, so its verdict never does, and a report made again (after an edit, a sync,
 * or on reopening the health screen) estimates only the passwords written since. zxcvbn costs a few
 * milliseconds per password, so on 10,000 items this is the difference between most of a minute
 * and a fraction of a second. It holds verdicts (score, reasons, guessing time), never a password
 * or anything derived from one alone; the key is the write's event id.
 */

import type { Strength } from "./password-strength.ts";

export interface StrengthCache {
  readonly get: (writeId: string) => Strength | undefined;
  readonly set: (writeId: string, strength: Strength) => void;
  /** Forgets every write not in `writeIds` (passwords since replaced), so the cache stays the vault's size. */
  readonly retainOnly: (writeIds: ReadonlySet<string>) => void;
  readonly size: () => number;
  /** Every verdict by write id (to keep them: `sealed-strength-cache.ts`). */
  readonly entries: () => IterableIterator<[string, Strength]>;
  /** Counts the changes (a verdict set or forgotten): unchanged, there is nothing to save. */
  readonly revision: () => number;
}

export const createStrengthCache = (
  initial: Iterable<readonly [string, Strength]> = [],
): StrengthCache => {
  const byWrite = new Map<string, Strength>(initial);
  let revision = 0;
  return {
    get: (writeId) => byWrite.get(writeId),
    set: (writeId, strength) => {
      byWrite.set(writeId, strength);
      revision++;
    },
    retainOnly: (writeIds) => {
      for (const writeId of byWrite.keys())
        if (!writeIds.has(writeId)) {
          byWrite.delete(writeId);
          revision++;
        }
    },
    size: () => byWrite.size,
    entries: () => byWrite.entries(),
    revision: () => revision,
  };
};
