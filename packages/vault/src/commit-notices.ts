/**
 * Commit notices: wraps the SQLite port so that every commit through it (a local edit, an applied
 * sync page, an imported snapshot, outbox bookkeeping) is announced after the outermost
 * transaction commits, never for one that rolled back. Live queries re-run on these notices.
 */

import type { SqliteDatabase } from "./sqlite.ts";

export interface CommitNotices {
  readonly db: SqliteDatabase;
  readonly subscribe: (listener: () => void) => () => void;
}

export const withCommitNotices = (inner: SqliteDatabase): CommitNotices => {
  const listeners = new Set<() => void>();
  let scheduled = false;
  const announce = (): void => {
    if (scheduled || listeners.size === 0) return;
    scheduled = true;
    // One notice per burst of commits, outside the committing stack.
    queueMicrotask(() => {
      scheduled = false;
      for (const listener of listeners) listener();
    });
  };
  const notifying =
    (run: <T>(fn: () => T) => T) =>
    <T>(fn: () => T): T => {
      const outermost = !inner.inTransaction();
      const result = run(fn);
      if (outermost) announce();
      return result;
    };
  const db: SqliteDatabase = {
    ...inner,
    transaction: notifying(inner.transaction),
    bookkeeping: notifying(inner.bookkeeping),
  };
  return {
    db,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
