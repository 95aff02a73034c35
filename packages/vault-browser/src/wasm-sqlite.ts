/**
 * The SQLite port on SQLite WASM (`@sqlite.org/sqlite-wasm`): a browser's vault file in OPFS, or
 * an in-memory database in Node for tests. Nested transactions become savepoints, as in
 * better-sqlite3, so the core's transaction rules hold unchanged.
 */

import type {
  BindableValue,
  Database,
  PreparedStatement,
  Sqlite3Static,
  SqlValue as WasmValue,
} from "@sqlite.org/sqlite-wasm";
import type { SqliteDatabase, SqliteStatement, SqlValue } from "@keypears/vault/core";

/**
 * Wraps an open SQLite WASM database. The connection is the only one on its file (the SAH-pool
 * VFS is exclusive), so it takes the lock for good (`locking_mode = EXCLUSIVE`) and keeps the
 * rollback journal: a commit returns once the journal and the database are flushed
 * (`synchronous = FULL`, each flush a `FileSystemSyncAccessHandle.flush()`).
 */
export const wrapWasmDatabase = (
  sqlite3: Sqlite3Static,
  db: Database,
  path: string,
): SqliteDatabase => {
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  const cache = new Map<string, SqliteStatement>();
  const prepared: PreparedStatement[] = [];
  let depth = 0;

  const statement = (sql: string): SqliteStatement => {
    const stmt = db.prepare(sql);
    prepared.push(stmt);
    const bind = (params: readonly SqlValue[]) => {
      if (params.length > 0) stmt.bind(params as readonly BindableValue[]);
    };
    return {
      run: (...params) => {
        try {
          bind(params);
          while (stmt.step()) {
            // A statement that returns rows (a PRAGMA) is stepped to its end.
          }
        } finally {
          stmt.reset(true);
        }
        return { changes: Number(db.changes()) };
      },
      get: (...params) => {
        try {
          bind(params);
          return stmt.step() ? stmt.get({}) : undefined;
        } finally {
          stmt.reset(true);
        }
      },
      all: (...params) => {
        const rows: unknown[] = [];
        try {
          bind(params);
          // The column names are asked for once per call: `get({})` asks SQLite for each name (a
          // WASM call and a C string decoded) on every row, a sixth of reading 10,000 items.
          let names: readonly string[] | undefined;
          const values: WasmValue[] = [];
          while (stmt.step()) {
            names ??= stmt.getColumnNames();
            stmt.get(values);
            const row: Record<string, unknown> = {};
            for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i];
            rows.push(row);
          }
        } finally {
          stmt.reset(true);
        }
        return rows;
      },
    };
  };

  const prepare = (sql: string): SqliteStatement => {
    let cached = cache.get(sql);
    if (cached === undefined) {
      cached = statement(sql);
      cache.set(sql, cached);
    }
    return cached;
  };

  const transaction = <T>(fn: () => T): T => {
    const savepoint = `kp_${depth}`;
    db.exec(depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    depth++;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      depth--;
      db.exec(depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      throw error;
    }
    depth--;
    try {
      db.exec(depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
    } catch (error) {
      // A failed commit (a full quota) leaves the transaction open: roll it back, keep what was committed before.
      if (depth === 0 && sqlite3.capi.sqlite3_get_autocommit(db) === 0) db.exec("ROLLBACK");
      throw error;
    }
    return result;
  };

  const dataVersion = prepare("PRAGMA data_version");
  return {
    prepare,
    exec: (sql) => {
      db.exec(sql);
    },
    transaction,
    bookkeeping: (fn) => {
      if (depth > 0) return transaction(fn);
      db.exec("PRAGMA synchronous = NORMAL");
      try {
        return transaction(fn);
      } finally {
        db.exec("PRAGMA synchronous = FULL");
      }
    },
    inTransaction: () => depth > 0,
    dataVersion: () => (dataVersion.get() as { data_version: number }).data_version,
    path,
    close: () => {
      for (const stmt of prepared) stmt.finalize();
      prepared.length = 0;
      cache.clear();
      db.close();
    },
  };
};
