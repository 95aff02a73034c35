/** The account-file storage port on Node's file system: `<home>/vaults/<address>.vault`. */

import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  renameSync,
  rmSync,
} from "node:fs";
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
    return openSqlite(path, { mustExist: true, readonly: true });
  }
  return openSqlite(path, { mustExist: true });
};
