/**
 * A tab worker's live-query loop: `followLiveQuery`'s loop (run at once, again after each change
 * notice, notices during a run collapse into one more run, each run from the last cursor, a failed
 * run starts over in full), except that a run the worker answers itself, as the database's owner,
 * runs and hands on its delta synchronously, inside the change notice.
 *
 * Why: a commit's notice is a microtask the commit queues (`commit-notices.ts`), and the code after
 * the commit is queued behind it: after a sync's apply, the rest of the sync (its checks and the
 * sync-time write, itself a commit). With an awaited run, every delta of that commit was posted
 * after all of it; handed on inside the notice, the open item's new value leaves first.
 */

import type { LiveCursor, LiveDelta } from "@keypears/vault/core";

export interface WorkerLiveQueryOptions {
  /** Runs the query here, synchronously; undefined when this worker cannot (it is not the owner). */
  readonly runHere: (since: LiveCursor | undefined) => LiveDelta | undefined;
  /** Runs the query on the owner, through the channel. */
  readonly runThere: (since: LiveCursor | undefined) => Promise<LiveDelta>;
  /** Calls its argument on every change notice; returns the unsubscribe. */
  readonly changes: (onChange: () => void) => () => void;
  readonly onDelta: (delta: LiveDelta) => void;
  /** A run that failed (the vault locked, the owner gone); the query keeps listening. */
  readonly onError: (error: unknown) => void;
  /**
   * Whether runs wait for now: the next change notice runs the query instead (the owner opening
   * a vault's items just unlocked, which sends a notice when they are open).
   */
  readonly waiting?: () => boolean;
}

/** Starts the loop; returns the stop. */
export const followInWorker = (options: WorkerLiveQueryOptions): (() => void) => {
  let stopped = false;
  let running = false;
  let again = false;
  let cursor: LiveCursor | undefined;
  const refresh = async (): Promise<void> => {
    if (options.waiting?.() === true) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          const delta = options.runHere(cursor) ?? (await options.runThere(cursor));
          if (stopped) return;
          cursor = delta.cursor;
          options.onDelta(delta);
        } catch (error) {
          cursor = undefined;
          if (!stopped) options.onError(error);
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const unsubscribe = options.changes(() => void refresh());
  void refresh();
  return () => {
    stopped = true;
    unsubscribe();
  };
};
