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
}

export const createStrengthCache = (): StrengthCache => {
  const byWrite = new Map<string, Strength>();
  return {
    get: (writeId) => byWrite.get(writeId),
    set: (writeId, strength) => void byWrite.set(writeId, strength),
    retainOnly: (writeIds) => {
      for (const writeId of byWrite.keys()) if (!writeIds.has(writeId)) byWrite.delete(writeId);
    },
    size: () => byWrite.size,
  };
};
