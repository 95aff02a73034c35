/**
 * The worker thread of a background helper (the signer, the verifier): one per process, started on
 * first use, its code a string evaluated in the worker (it needs only Node's built-ins), so the
 * CLI's bundle needs no second entry point. A worker that cannot start, or that fails, is not
 * started again: the helper's callers then do all the work on their own thread, as they would on a
 * platform without threads.
 */

import { Worker } from "node:worker_threads";

export const lazyEvalWorker = (source: string): (() => Worker | undefined) => {
  let worker: Worker | undefined;
  let broken = false;
  return () => {
    if (broken) return undefined;
    if (worker === undefined) {
      try {
        worker = new Worker(source, { eval: true });
      } catch {
        broken = true;
        return undefined;
      }
      // The process may exit while the worker waits for a batch.
      worker.unref();
      worker.on("error", () => {
        broken = true;
        worker = undefined;
      });
      worker.on("exit", () => {
        worker = undefined;
      });
    }
    return worker;
  };
};
