/**
 * How many item states the vault's apply writes for a stream of events, as the sync client applies
 * it: batches of `batch` events, each committed alone; every batch but the last defers its items
 * (`ApplyOptions.defer`), and the items deferred are written together, each once, by the last
 * batch or by a batch after which more than `maxDeferred` are waiting. Counted from the order of
 * the events; the cost of the apply grows with it (each state written carries the item's history).
 */

/** `itemOf[i]`: the item event `i` (in server order) writes, or `undefined` for an event that writes none (the roster). */
export const itemStatesWritten = (
  itemOf: readonly (number | undefined)[],
  batch: number,
  maxDeferred: number,
): number => {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`bad batch size ${batch}`);
  if (!Number.isInteger(maxDeferred) || maxDeferred < 0)
    throw new RangeError(`bad bound of deferred items ${maxDeferred}`);
  let written = 0;
  const waiting = new Set<number>();
  for (let start = 0; start < itemOf.length; start += batch) {
    const end = Math.min(itemOf.length, start + batch);
    for (let i = start; i < end; i++) {
      const item = itemOf[i];
      if (item !== undefined) waiting.add(item);
    }
    if (end === itemOf.length || waiting.size > maxDeferred) {
      written += waiting.size;
      waiting.clear();
    }
  }
  return written;
};
