/**
 * The account functions on Node, as the CLI and the sync client call them: by `home` folder
 * rather than by storage port, and with Node's native compression.
 */

import type { Result } from "@keypears/base";
import * as core from "../account.ts";
import { defaultVaultDeps, type VaultDeps } from "../account-record.ts";
import type { VaultError } from "../errors.ts";
import type { Vault } from "../vault.ts";
import { nodeCompression } from "./node-compression.ts";
import { nodeSignatureVerifier } from "./node-signature-verifier.ts";
import { nodeAccountStorage } from "./node-storage.ts";

/**
 * The vault's dependencies in Node: system clock and randomness, native compression, and a
 * worker thread verifying pulled signatures.
 */
export const nodeVaultDeps: VaultDeps = {
  ...defaultVaultDeps,
  compression: nodeCompression,
  signatureVerifier: nodeSignatureVerifier,
};

type AtHome<T> = Omit<T, "storage"> & { readonly home: string };

const onNode = <T extends { readonly home: string; readonly deps?: VaultDeps }>(input: T) => {
  const { home, ...rest } = input;
  return {
    ...rest,
    storage: nodeAccountStorage(home),
    deps: {
      compression: nodeCompression,
      signatureVerifier: nodeSignatureVerifier,
      ...(input.deps ?? defaultVaultDeps),
    },
  };
};

export type CreateAccountInput = AtHome<core.CreateAccountInput>;
export type JoinAccountInput = AtHome<core.JoinAccountInput>;
export type UnlockInput = AtHome<core.UnlockInput>;
export type RekeyInput = AtHome<core.RekeyInput>;
export type { NewAccount } from "../account.ts";

export const createAccount = (
  input: CreateAccountInput,
): Promise<Result<core.NewAccount, VaultError>> => core.createAccount(onNode(input));

export const joinAccount = (input: JoinAccountInput): Promise<Result<Vault, VaultError>> =>
  core.joinAccount(onNode(input));

export const unlockVault = (input: UnlockInput): Promise<Result<Vault, VaultError>> =>
  core.unlockVault(onNode(input));

export const rekeyAccountFile = (input: RekeyInput): Promise<Result<Vault, VaultError>> =>
  core.rekeyAccountFile(onNode(input));

export const openAccountFile = (home: string, address: string) =>
  core.openAccountFile(nodeAccountStorage(home), address);

export const removeAccountFile = (home: string, address: string): Result<void, VaultError> =>
  core.removeAccountFile(nodeAccountStorage(home), address);
