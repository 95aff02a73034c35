/**
 * Retained memory: what a piece of work leaves allocated after garbage collection, measured as
 * the difference of two snapshots in one process. Run it in a fresh child process per contender,
 * so nothing another contender allocated (or a WASM heap another contender grew) is counted.
 *
 * WASM linear memory is not V8 heap: it shows in `external` and in RSS, never in `heapUsed`, and it
 * never shrinks, so `heap + external` is the fair figure across JS and WASM engines.
 */

import { collectGarbage } from "./gc.ts";

export interface MemorySnapshot {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export interface RetainedMemory {
  /** V8 heap in use plus memory held outside it (ArrayBuffers, WASM linear memory), in bytes. */
  readonly heapAndExternalBytes: number;
  readonly heapBytes: number;
  readonly externalBytes: number;
  /** Growth of the resident set: includes allocator slack and freed pages not yet returned. */
  readonly rssBytes: number;
}

export const memoryAfterGc = (): MemorySnapshot => {
  collectGarbage();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
};

export const retainedBetween = (before: MemorySnapshot, after: MemorySnapshot): RetainedMemory => {
  const heapBytes = after.heapUsed - before.heapUsed;
  const externalBytes = after.external - before.external;
  return {
    heapAndExternalBytes: heapBytes + externalBytes,
    heapBytes,
    externalBytes,
    rssBytes: after.rss - before.rss,
  };
};

export const bytesToMb = (bytes: number): number => bytes / 1e6;
