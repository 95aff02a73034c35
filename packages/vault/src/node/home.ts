/** Where vaults live: one SQLite file per account under `KEYPEARS_HOME` (default `~/.keypears`). */

import { mkdirSync, readdirSync } from "node:fs";
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

/** The addresses of the vault files under `home`, sorted. */
export const listVaultFiles = (home: string): readonly Address[] => {
  try {
    return readdirSync(vaultsDir(home))
      .filter((name) => name.endsWith(suffix))
      .map((name) => name.slice(0, -suffix.length) as Address)
      .sort();
  } catch {
    return [];
  }
};
