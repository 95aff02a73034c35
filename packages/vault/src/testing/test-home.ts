/** Test helpers: a throwaway KEYPEARS_HOME, cheap key derivation, and an account ready to use. */

import { DEFAULT_KDF_PARAMS, type KdfParams } from "@keypears/crypto";
import { systemDeps } from "@keypears/sync-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VaultDeps } from "../account-record.ts";
import { createAccount, type NewAccount } from "../node/node-accounts.ts";
import { describeVaultError } from "../errors.ts";

/** Argon2id at 64 KiB: only for tests whose subject is not key derivation. */
export const CHEAP_KDF: KdfParams = { ...DEFAULT_KDF_PARAMS, memoryKiB: 64, iterations: 1 };
export const cheapDeps = (overrides: Partial<VaultDeps> = {}): VaultDeps => ({
  now: systemDeps.now,
  randomBytes: systemDeps.randomBytes,
  unsafeKdfFloorForTests: { memoryKiB: 8, iterations: 1, parallelism: 1 },
  ...overrides,
});

export interface TestHome {
  readonly path: string;
  readonly remove: () => void;
}

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

/** Unwraps a Result in a test, failing with the vault's own message. */
export const expectOk = <T, E extends { kind: string }>(
  result: { ok: true; value: T } | { ok: false; error: E },
): T => {
  if (result.ok) return result.value;
  throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
};
