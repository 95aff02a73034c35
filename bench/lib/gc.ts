/** Forced garbage collection, available when Node runs with `--expose-gc` (benchmark workers always do). */

export const collectGarbage = (): void => {
  if (globalThis.gc === undefined) {
    throw new Error("garbage collection is not exposed: run the worker with node --expose-gc");
  }
  // Twice: the first full collection can leave objects that only the second finds unreachable
  // (weak references and finalizers cleared in between).
  globalThis.gc();
  globalThis.gc();
};
