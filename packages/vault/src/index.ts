/**
 * `@keypears/vault` on Node: the platform-free core with Node's adapter. The account functions
 * are Node's (by `home` folder); the core's storage-port versions are at `@keypears/vault/core`.
 */

export * from "./core.ts";
export {
  createAccount,
  type CreateAccountInput,
  joinAccount,
  type JoinAccountInput,
  openAccountFile,
  rekeyAccountFile,
  type RekeyInput,
  removeAccountFile,
  unlockVault,
  type UnlockInput,
} from "./node/node-accounts.ts";
export { nodeVaultDeps } from "./node/node-accounts.ts";
export * from "./node/home.ts";
export * from "./node/node-compression.ts";
export * from "./node/node-signature-verifier.ts";
export * from "./node/node-sqlite.ts";
export * from "./node/node-storage.ts";
