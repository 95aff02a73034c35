/** The account-file storage port on Node's file system: `<home>/vaults/<address>.vault`. */

import {
  accessSync,
  readFileSync,
  statSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  renameSync,
  rmSync,
} from "node:fs";
import { dirname } from "node:path";
import type { AccountStorage } from "../account-storage.ts";
import { ensureVaultsDir, listVaultFiles, vaultPath } from "./home.ts";
import { openSqlite } from "./node-sqlite.ts";

export const nodeAccountStorage = (home: string): AccountStorage => ({
  list: () => listVaultFiles(home),
  exists: (address) => existsSync(vaultPath(home, address)),
  open: (address) => openVaultFile(vaultPath(home, address)),
  // Written under a temporary name and renamed into place, so no half-made vault is ever seen.
  create: (address, init) => {
    ensureVaultsDir(home);
    const path = vaultPath(home, address);
    const temporary = `${path}.creating`;
    rmSync(temporary, { force: true });
    // Made for its owner only before SQLite opens it (SQLite's own default follows the umask,
    // often 0644); SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(temporary, "wx", 0o600));
    const db = openSqlite(temporary);
    try {
      init(db);
    } finally {
      db.close();
    }
    if (existsSync(path)) {
      rmSync(temporary, { force: true });
      return false;
    }
    renameSync(temporary, path);
    return true;
  },
  remove: (address) => {
    const path = vaultPath(home, address);
    for (const suffix of ["", "-wal", "-shm", ".creating"])
      rmSync(`${path}${suffix}`, { force: true });
  },
  describe: (address) => vaultPath(home, address),
});

/**
 * Opens a vault file read-write, or read-only when this user may read but not write it (a copy
 * from a backup, a file on read-only media): reading still works, and a change says why it
 * cannot be saved. A file this user cannot read is an error that names it and the permission.
 */
const openVaultFile = (path: string) => {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    // SQLite also writes beside the file (its -wal and -shm files).
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") throw error;
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw new Error(
        `permission denied: this user cannot read ${path} (a vault file needs read and write permission for its owner: chmod 600)`,
      );
    }
    return openReadOnly(path);
  }
  return openSqlite(path, { mustExist: true });
};

/**
 * A read-only vault file. In WAL mode SQLite must create the `-shm` index beside the file even to
 * read; in a folder this user cannot write to it cannot (SQLITE_READONLY_DIRECTORY). There the file
 * is read whole and opened in memory, read-only: a vault closed cleanly has no WAL left over, all
 * of it is in the file. A leftover WAL holds commits the file lacks, so that case is refused.
 */
const openReadOnly = (path: string) => {
  try {
    accessSync(dirname(path), constants.W_OK);
    return openSqlite(path, { mustExist: true, readonly: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") throw error;
  }
  let walBytes = 0;
  try {
    walBytes = statSync(`${path}-wal`).size;
  } catch {
    // No WAL: everything is in the file.
  }
  if (walBytes > 0)
    throw new Error(
      `${path} and its folder are read-only, and its -wal file holds changes not yet in the file: give this user write permission on the folder to read it (chmod 700)`,
    );
  const contents = readFileSync(path);
  // Bytes 18-19 say "WAL mode" (2); an in-memory copy is read as a rollback-journal file (1).
  contents[18] = 1;
  contents[19] = 1;
  return openSqlite(path, { contents });
};
