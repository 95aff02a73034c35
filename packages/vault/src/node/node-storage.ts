/** The account-file storage port on Node's file system: `<home>/vaults/<address>.vault`. */

import { existsSync, renameSync, rmSync } from "node:fs";
import type { AccountStorage } from "../account-storage.ts";
import { ensureVaultsDir, listVaultFiles, vaultPath } from "./home.ts";
import { openSqlite } from "./node-sqlite.ts";

export const nodeAccountStorage = (home: string): AccountStorage => ({
  list: () => listVaultFiles(home),
  exists: (address) => existsSync(vaultPath(home, address)),
  open: (address) => openSqlite(vaultPath(home, address), { mustExist: true }),
  // Written under a temporary name and renamed into place, so no half-made vault is ever seen.
  create: (address, init) => {
    ensureVaultsDir(home);
    const path = vaultPath(home, address);
    const temporary = `${path}.creating`;
    rmSync(temporary, { force: true });
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
