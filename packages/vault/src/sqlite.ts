/**
 * The part of a SQLite driver the vault uses, as a structural interface (as Kysely does), so the
 * vault does not depend on one driver: better-sqlite3 in Node today, SQLite WASM in a browser later.
 */

import { err, type Result } from "@keypears/base";
import Database from "better-sqlite3";

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
  /** The database file's path. */
  readonly path: string;
  readonly close: () => void;
}

export interface OpenSqliteOptions {
  /** Open an existing file only; never create one. */
  readonly mustExist?: boolean;
  readonly readonly?: boolean;
}

/**
 * Opens a database file with the settings a password vault needs: WAL for crash safety with
 * concurrent readers, `synchronous = FULL` so a committed edit survives power loss, foreign keys
 * on, and a busy timeout so a second process waits instead of failing.
 */
export const openSqlite = (path: string, options: OpenSqliteOptions = {}): SqliteDatabase => {
  const db = new Database(path, {
    fileMustExist: options.mustExist ?? false,
    readonly: options.readonly ?? false,
  });
  if (!options.readonly) db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const cache = new Map<string, SqliteStatement>();
  const dataVersion = db.prepare("PRAGMA data_version").pluck();
  return {
    prepare: (sql) => {
      let statement = cache.get(sql);
      if (statement === undefined) {
        const prepared = db.prepare(sql);
        statement = {
          run: (...params) => prepared.run(...params),
          get: (...params) => prepared.get(...params),
          all: (...params) => prepared.all(...params),
        };
        cache.set(sql, statement);
      }
      return statement;
    },
    exec: (sql) => {
      db.exec(sql);
    },
    transaction: (fn) => db.transaction(fn).immediate(),
    bookkeeping: (fn) => {
      // The flush setting applies to the next commit; inside an outer transaction that is its own.
      if (db.inTransaction) return db.transaction(fn)();
      db.pragma("synchronous = NORMAL");
      try {
        return db.transaction(fn).immediate();
      } finally {
        db.pragma("synchronous = FULL");
      }
    },
    inTransaction: () => db.inTransaction,
    dataVersion: () => dataVersion.get() as number,
    path,
    close: () => {
      cache.clear();
      db.close();
    },
  };
};

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
