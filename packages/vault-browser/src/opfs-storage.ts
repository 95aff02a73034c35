/**
 * The account-file storage port in a browser: one SQLite file per account in the origin-private
 * file system, through SQLite's SAH-pool VFS (`/vaults/<address>.vault`; tests give another
 * folder). Only the worker that owns the pool (see `vault-worker.ts`) may use it.
 */

import type { SAHPoolUtil, Sqlite3Static } from "@sqlite.org/sqlite-wasm";
import type { AccountStorage } from "@keypears/vault/core";
import type { Address } from "@keypears/vault/core";
import type { SqliteDatabase } from "@keypears/vault/core";
import { wrapWasmDatabase } from "./wasm-sqlite.ts";

const suffix = ".vault";

export const createOpfsStorage = (
  sqlite3: Sqlite3Static,
  pool: SAHPoolUtil,
  prefix = "/vaults/",
): AccountStorage => {
  const nameOf = (address: Address): string => `${prefix}${address}${suffix}`;
  const files = (): readonly string[] => pool.getFileNames();
  const exists = (address: Address): boolean => files().includes(nameOf(address));
  const open = (address: Address) =>
    wrapWasmDatabase(sqlite3, new pool.OpfsSAHPoolDb(nameOf(address)), nameOf(address));
  const remove = (address: Address): void => {
    for (const name of files()) if (name.startsWith(nameOf(address))) pool.unlink(name);
  };
  return {
    list: () =>
      files()
        .filter((name) => name.startsWith(prefix) && name.endsWith(suffix))
        .map((name) => name.slice(prefix.length, -suffix.length) as Address)
        .sort(),
    exists,
    open,
    // The pool cannot rename, so the file is filled in one transaction: a crash leaves a file
    // with no account row, which opening reports as "not a vault" and creating again replaces.
    create: (address, init) => {
      if (exists(address)) {
        if (holdsAccount(open(address))) return false;
        remove(address);
      }
      const db = open(address);
      let created = false;
      try {
        db.transaction(() => init(db));
        created = true;
      } finally {
        db.close();
        if (!created) remove(address);
      }
      return true;
    },
    remove,
    describe: (address) => `browser storage ${nameOf(address)}`,
  };
};

/** Whether a file holds an account (a creation that crashed half-way left none); closes it. */
const holdsAccount = (db: SqliteDatabase): boolean => {
  try {
    return db.prepare("SELECT 1 AS one FROM account LIMIT 1").get() !== undefined;
  } catch {
    return false;
  } finally {
    db.close();
  }
};
