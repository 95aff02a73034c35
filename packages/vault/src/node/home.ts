/** Where vaults live: one SQLite file per account under `KEYPEARS_HOME` (default `~/.keypears`). */

import { mkdirSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Address } from "../address.ts";

export const resolveHome = (env: NodeJS.ProcessEnv = process.env): string =>
  env["KEYPEARS_HOME"] !== undefined && env["KEYPEARS_HOME"] !== ""
    ? env["KEYPEARS_HOME"]
    : join(homedir(), ".keypears");

const vaultsDir = (home: string): string => join(home, "vaults");
const suffix = ".vault";

export const vaultPath = (home: string, address: Address): string =>
  join(vaultsDir(home), `${address}${suffix}`);

/** Creates the vault folder, readable by its owner only. */
export const ensureVaultsDir = (home: string): void => {
  mkdirSync(vaultsDir(home), { recursive: true, mode: 0o700 });
};

/**
 * The addresses of the vault files under `home`, sorted; none when the folder does not exist yet.
 * A folder that exists but cannot be read throws its file-system error (EACCES, with the path):
 * an unreadable home is not an empty one.
 */
export const listVaultFiles = (home: string): readonly Address[] => {
  let names: string[];
  try {
    names = readdirSync(vaultsDir(home));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith(suffix))
    .map((name) => name.slice(0, -suffix.length) as Address)
    .sort();
};

export interface PermissionProblem {
  readonly path: string;
  /** The permission bits, e.g. 0o755. */
  readonly mode: number;
  /**
   * `readable`: others (group or everyone) can read it; `writable`: others can change it;
   * `world-writable`: a folder anyone can write to, where vault files could be swapped.
   */
  readonly problem: "readable" | "writable" | "world-writable";
}

/**
 * Who else can read or change the home folder, its vault folder and the vault files in it.
 * KeyPears creates them for their owner only (folders 0700, files 0600); anything looser was
 * made by hand or by an older KeyPears. Nothing to report on Windows, which has no such bits.
 */
export const homePermissionProblems = (home: string): readonly PermissionProblem[] => {
  if (process.platform === "win32") return [];
  const problems: PermissionProblem[] = [];
  const check = (path: string, folder: boolean) => {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o7777;
    } catch {
      return;
    }
    const sticky = (mode & 0o1000) !== 0;
    if (folder && (mode & 0o002) !== 0 && !sticky)
      problems.push({ path, mode, problem: "world-writable" });
    else if ((mode & 0o022) !== 0) problems.push({ path, mode, problem: "writable" });
    else if ((mode & 0o044) !== 0) problems.push({ path, mode, problem: "readable" });
  };
  check(home, true);
  check(vaultsDir(home), true);
  let addresses: readonly Address[] = [];
  try {
    addresses = listVaultFiles(home);
  } catch {
    // Reported when a command lists the accounts, with the path and the permission it lacks.
  }
  for (const address of addresses) check(vaultPath(home, address), false);
  return problems;
};
