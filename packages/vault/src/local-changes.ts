/**
 * Tells listeners in this process that a local change committed, so the live watcher can push at
 * once instead of finding it on a timer. A change made inside an outer transaction is announced
 * only when that transaction commits, and never if it rolls back.
 */

export interface LocalChanges {
  readonly subscribe: (listener: () => void) => () => void;
  /** A local change was written in the current transaction. */
  readonly written: () => void;
  /** The outermost transaction ended: listeners hear of its changes if it committed. */
  readonly settled: (committed: boolean) => void;
}

export const createLocalChanges = (): LocalChanges => {
  const listeners = new Set<() => void>();
  let unannounced = false;
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    written: () => {
      unannounced = true;
    },
    settled: (committed) => {
      if (!unannounced) return;
      unannounced = false;
      if (!committed) return;
      // Outside the caller's stack: a listener's failure is its own, not the edit's.
      for (const listener of listeners) queueMicrotask(listener);
    },
  };
};
