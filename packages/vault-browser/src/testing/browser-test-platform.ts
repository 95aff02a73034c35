/**
 * The platform of the vault's shared core tests in Chromium, swapped in for
 * `@keypears/vault`'s `testing/test-platform.ts` by the browser test bundle (same exports): a
 * home is a folder of its own SAH pool in OPFS (`keypears-tests`, apart from the app's vaults),
 * vault files are SQLite WASM databases in it, compression is the core's default. Runs in a
 * dedicated worker (OPFS access handles exist only there).
 */

import { systemRandomBytes } from "@keypears/base";
import { type TestPlatform, testHelpersOn } from "@keypears/vault/testing/platform";
import { openOpfsPool } from "../opfs-pool.ts";

// Vaults the tests leave open keep their slots until their home is removed.
const pool = await openOpfsPool({ name: "keypears-tests", capacity: 64 });

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
};
const namesUnder = (home: string): readonly string[] =>
  pool.fileNames().filter((name) => name.startsWith(home));

export const browserTestPlatform: TestPlatform = {
  name: "chromium",
  createHome: () => {
    const id = Array.from(systemRandomBytes(6), (b) => b.toString(16).padStart(2, "0")).join("");
    const path = `/home-${id}/`;
    return {
      path,
      remove: () => {
        for (const name of namesUnder(path)) pool.unlink(name);
      },
    };
  },
  storage: (home) => pool.storageAt(`${home}vaults/`),
  homeBytes: (home) => concat(namesUnder(home).map((name) => pool.fileBytes(name))),
  vaultFileBytes: (home, address) => pool.fileBytes(`${home}vaults/${address}.vault`),
};

export const {
  platform,
  createTestHome,
  createAccount,
  joinAccount,
  unlockVault,
  createTestAccount,
  joinTestDevice,
  removeAccountFile,
  listVaultFiles,
  openVaultFile,
  vaultFileBytes,
  homeBytes,
} = testHelpersOn(browserTestPlatform);
export {
  CHEAP_KDF,
  cheapDeps,
  containsBytes,
  expectOk,
  type TestHome,
  utf16le,
} from "@keypears/vault/testing/platform";
