/** Since when a field has held its current value, read from the field's own history. */

export interface HistoryEntryLike {
  readonly at: number;
  readonly value: unknown;
  /** The value the field shows now. */
  readonly current: boolean;
}

/**
 * The time of the first write in the unbroken run of writes, ending with the current one, that all
 * hold the current value: rewriting the same password (a conflict settled by picking it, an import)
 * does not make it new. Undefined when the history has no current entry.
 */
export const currentValueSince = (entries: readonly HistoryEntryLike[]): number | undefined => {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  let at = sorted.findIndex((entry) => entry.current);
  if (at === -1) return undefined;
  const value = (sorted[at] as HistoryEntryLike).value;
  while (at > 0 && (sorted[at - 1] as HistoryEntryLike).value === value) at--;
  return (sorted[at] as HistoryEntryLike).at;
};
