/**
 * The platform of the vault's shared core tests in Node: homes are temporary folders, vault files
 * live under them as the CLI keeps them, with Node's zlib. The browser test bundle replaces this
 * module with `@keypears/vault-browser`'s `testing/browser-test-platform.ts` (same exports, on OPFS).
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vaultPath } from "../node/home.ts";
import { nodeCompression } from "../node/node-compression.ts";
import { nodeAccountStorage } from "../node/node-storage.ts";
import { type TestPlatform, testHelpersOn } from "./test-platform-helpers.ts";

export const nodeTestPlatform: TestPlatform = {
  name: "node",
  createHome: () => {
    const path = mkdtempSync(join(tmpdir(), "keypears-test-"));
    return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
  },
  storage: nodeAccountStorage,
  compression: nodeCompression,
  homeBytes: (home) =>
    Buffer.concat(
      readdirSync(home, { recursive: true }).flatMap((name) => {
        try {
          const path = join(home, String(name));
          return statSync(path).isFile() ? [readFileSync(path)] : [];
        } catch {
          return []; // removed meanwhile (SQLite's -shm or journal)
        }
      }),
    ),
  vaultFileBytes: (home, address) => readFileSync(vaultPath(home, address)),
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
} = testHelpersOn(nodeTestPlatform);
export {
  CHEAP_KDF,
  cheapDeps,
  containsBytes,
  expectOk,
  type TestHome,
  utf16le,
} from "./test-platform-helpers.ts";
