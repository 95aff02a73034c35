/**
 * The SQLite port: the part of a SQLite driver the vault uses, as a structural interface (as
 * Kysely does), so the vault does not depend on one driver: better-sqlite3 in Node
 * (`node/node-sqlite.ts`), SQLite WASM on OPFS in a browser (`browser/wasm-sqlite.ts`).
 */

import { err, type Result } from "@keypears/base";

export type SqlValue = null | number | bigint | string | Uint8Array;

export interface SqliteStatement {
  readonly run: (...params: readonly SqlValue[]) => { readonly changes: number };
  readonly get: (...params: readonly SqlValue[]) => unknown;
  readonly all: (...params: readonly SqlValue[]) => readonly unknown[];
}

export interface SqliteDatabase {
  readonly prepare: (sql: string) => SqliteStatement;
  readonly exec: (sql: string) => void;
  /** Runs `fn` in one transaction: all of its writes commit together, or none do. */
  readonly transaction: <T>(fn: () => T) => T;
  /**
   * Like `transaction`, but the commit does not wait for the disk: for bookkeeping whose loss in
   * a power cut is harmless (the next durable commit flushes it too). Atomic all the same.
   */
  readonly bookkeeping: <T>(fn: () => T) => T;
  /** Whether a transaction is open on this connection. */
  readonly inTransaction: () => boolean;
  /** SQLite's `data_version`: changes whenever another connection commits to the file. */
  readonly dataVersion: () => number;
  /** The database file's path (or name, in a browser's storage). */
  readonly path: string;
  /**
   * Change notices between connections: calls `listener` when the platform sees a write to the
   * file by another connection (Node: file-system events). Absent where no other connection can
   * exist (a browser's one owning worker); `dataVersion` confirms either way.
   */
  readonly watchFile?: (listener: () => void) => () => void;
  readonly close: () => void;
}

class RollbackWith<E> extends Error {
  constructor(readonly reason: E) {
    super("rolled back");
  }
}

/**
 * Runs `fn` in one transaction that commits only if it returns `ok`: an `err` rolls back every
 * write made before it, so an expected failure can never leave half a change behind.
 */
export const transactionResult = <T, E>(
  db: SqliteDatabase,
  fn: () => Result<T, E>,
): Result<T, E> => {
  try {
    return db.transaction(() => {
      const result = fn();
      if (!result.ok) throw new RollbackWith(result.error);
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackWith) return err(error.reason as E);
    throw error;
  }
};
