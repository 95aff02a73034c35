/**
 * How many item states the vault's apply writes for a stream of events: `applyOrdered` writes each
 * item a batch touches once (its sealed merge state and view), so the count is the sum over the
 * batches of the distinct items in each. Counted from the order of the events, exactly as the vault
 * batches them; the cost of the apply grows with it.
 */

/** `itemOf[i]`: the item event `i` (in server order) writes, or `undefined` for an event that writes none (the roster). */
export const itemStatesWritten = (
  itemOf: readonly (number | undefined)[],
  batch: number,
): number => {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`bad batch size ${batch}`);
  let written = 0;
  for (let start = 0; start < itemOf.length; start += batch) {
    const touched = new Set<number>();
    for (let i = start; i < Math.min(itemOf.length, start + batch); i++) {
      const item = itemOf[i];
      if (item !== undefined) touched.add(item);
    }
    written += touched.size;
  }
  return written;
};
