/** The SQLite port on better-sqlite3: Node's vault files, with file-system change notices. */

import Database from "better-sqlite3";
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { SqliteDatabase, SqliteStatement } from "../sqlite.ts";

export interface OpenSqliteOptions {
  /** Open an existing file only; never create one. */
  readonly mustExist?: boolean;
  readonly readonly?: boolean;
  /**
   * The file's bytes, read by the caller: opened as a read-only database in memory instead of the
   * file (for a vault in a folder SQLite cannot write its WAL index to; see node-storage.ts).
   */
  readonly contents?: Buffer;
}

/**
 * Opens a database file with the settings a password vault needs: WAL for crash safety with
 * concurrent readers, `synchronous = FULL` so a committed edit survives power loss, foreign keys
 * on, and a busy timeout so a second process waits instead of failing.
 */
export const openSqlite = (path: string, options: OpenSqliteOptions = {}): SqliteDatabase => {
  const db =
    options.contents === undefined
      ? new Database(path, {
          fileMustExist: options.mustExist ?? false,
          readonly: options.readonly ?? false,
        })
      : new Database(options.contents, { readonly: true });
  if (!options.readonly && options.contents === undefined) db.pragma("journal_mode = WAL");
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
    watchFile: (listener) => watchVaultFile(path, listener),
    close: () => {
      cache.clear();
      db.close();
    },
  };
};

/** Calls `listener` when the file system reports a write to the file or its WAL; a no-op where it reports nothing. */
const watchVaultFile = (path: string, listener: () => void): (() => void) => {
  const file = basename(path);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_, name) => {
      if (name === null || name.startsWith(file)) listener();
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    // No file events here: the caller's timer finds the change.
  }
  return () => watcher?.close();
};
