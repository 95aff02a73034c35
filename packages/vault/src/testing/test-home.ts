/** Test helpers: a throwaway KEYPEARS_HOME, cheap key derivation, and an account ready to use. */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VaultDeps } from "../account-record.ts";
import { createAccount, type NewAccount } from "../node/node-accounts.ts";
import { describeVaultError } from "../errors.ts";
import { CHEAP_KDF, cheapDeps, type TestHome } from "./test-platform-helpers.ts";

export {
  CHEAP_KDF,
  cheapDeps,
  expectOk,
  seededDeps,
  steppingClock,
  type TestHome,
} from "./test-platform-helpers.ts";

export const createTestHome = (): TestHome => {
  const path = mkdtempSync(join(tmpdir(), "keypears-test-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

export const createTestAccount = async (
  home: string,
  address = "alice@localhost",
  options: { password?: string; serverUrl?: string; deps?: VaultDeps } = {},
): Promise<NewAccount> => {
  const created = await createAccount({
    home,
    address,
    password: options.password ?? "correct horse battery staple",
    kdf: CHEAP_KDF,
    deps: options.deps ?? cheapDeps(),
    ...(options.serverUrl === undefined ? {} : { serverUrl: options.serverUrl }),
  });
  if (!created.ok) throw new Error(describeVaultError(created.error));
  return created.value;
};
