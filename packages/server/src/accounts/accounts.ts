/**
 * Accounts: register an address of this server's domain, pre-login, sign in, read the account,
 * change the credentials. The server keeps only what the client derived: a verifier of the
 * authentication secret (see `credentials.ts`), the KDF parameters and salt, and wrapped vault keys.
 */

import { err, ok, type Result } from "@keypears/base";
import { domainOfAddress, type KdfParams } from "@keypears/api";
import type { DeviceId } from "@keypears/sync-core";
import type { ServiceDeps } from "../deps.ts";
import { transactionResult, type SqlQueryable } from "../sql/sql-client.ts";
import { encodeNotice, NOTICE_CHANNEL } from "../realtime/notices.ts";
import { toBytes, toSafeInt, toText } from "../sql/values.ts";
import { createVault, listVaults, type VaultKey } from "../vaults/vaults.ts";
import {
  createVerifier,
  DECOY_VERIFIER,
  decoyKdf,
  type StoredVerifier,
  verifierMatches,
} from "./credentials.ts";
import { type Approval, signInDevice } from "./devices.ts";
import { issueSession } from "./sessions.ts";

export interface AccountView {
  readonly address: string;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly vaults: readonly VaultKey[];
}

export interface SignedIn {
  readonly token: string;
  readonly expiresAt: Date;
  readonly deviceId: DeviceId;
  readonly approval: Approval;
  readonly account: AccountView;
}

export interface DeviceInput {
  readonly id: DeviceId;
  readonly name: string;
}

export interface RegisterInput {
  readonly address: string;
  readonly authSecret: Uint8Array;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly device: DeviceInput;
  readonly vault: VaultKey;
}

export type RegisterError =
  | { readonly kind: "wrong-domain"; readonly domain: string }
  | { readonly kind: "address-taken" }
  | { readonly kind: "vault-exists" };

export const register = async (
  deps: ServiceDeps,
  input: RegisterInput,
): Promise<Result<SignedIn, RegisterError>> => {
  if (domainOfAddress(input.address) !== deps.domain) {
    return err({ kind: "wrong-domain", domain: deps.domain });
  }
  const { verifier, verifierSalt } = createVerifier(input.authSecret);
  const now = new Date(deps.now());
  return transactionResult(deps.sql, async (tx): Promise<Result<SignedIn, RegisterError>> => {
    const accountId = crypto.randomUUID();
    const inserted = await tx.query(
      `INSERT INTO accounts (account_id, address, verifier, verifier_salt, kdf_algorithm,
         kdf_memory_kib, kdf_iterations, kdf_parallelism, kdf_salt, created_at, credentials_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT DO NOTHING RETURNING account_id`,
      [
        accountId,
        input.address,
        verifier,
        verifierSalt,
        input.kdf.algorithm,
        input.kdf.memoryKiB,
        input.kdf.iterations,
        input.kdf.parallelism,
        input.salt,
        now,
      ],
    );
    if (inserted.length === 0) return err({ kind: "address-taken" });
    const vault = await createVault(tx, now, accountId, input.vault);
    if (!vault.ok) return vault;
    const device = await signInDevice(tx, now, accountId, input.device);
    if (!device.ok) throw new Error("a new account cannot have a revoked device");
    const session = await issueSession(tx, deps, accountId, input.device.id);
    return ok({
      ...session,
      deviceId: input.device.id,
      approval: device.value.approval,
      account: { address: input.address, kdf: input.kdf, salt: input.salt, vaults: [input.vault] },
    });
  });
};

interface AccountRow extends StoredVerifier {
  readonly accountId: string;
  readonly address: string;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
}

const findAccount = async (
  db: SqlQueryable,
  where: "address" | "account_id",
  value: string,
  lock = false,
): Promise<AccountRow | undefined> => {
  const [row] = await db.query(
    `SELECT account_id, address, verifier, verifier_salt, kdf_algorithm, kdf_memory_kib,
       kdf_iterations, kdf_parallelism, kdf_salt
     FROM accounts WHERE ${where === "address" ? "lower(address) = lower($1)" : "account_id = $1"}${lock ? " FOR UPDATE" : ""}`,
    [value],
  );
  if (row === undefined) return undefined;
  return {
    accountId: toText(row.account_id, "account_id"),
    address: toText(row.address, "address"),
    verifier: toBytes(row.verifier, "verifier"),
    verifierSalt: toBytes(row.verifier_salt, "verifier_salt"),
    kdf: {
      algorithm: toText(row.kdf_algorithm, "kdf_algorithm") as "argon2id",
      memoryKiB: toSafeInt(row.kdf_memory_kib, "kdf_memory_kib"),
      iterations: toSafeInt(row.kdf_iterations, "kdf_iterations"),
      parallelism: toSafeInt(row.kdf_parallelism, "kdf_parallelism"),
    },
    salt: toBytes(row.kdf_salt, "kdf_salt"),
  };
};

/**
 * The KDF parameters of an address; for an unknown one, plausible decoys that never change.
 * Addresses are compared without regard to case everywhere (as their uniqueness is), so `Alice@`
 * and `alice@` get the same answer whether or not the account exists.
 */
export const preLogin = async (
  deps: ServiceDeps,
  address: string,
): Promise<{ readonly kdf: KdfParams; readonly salt: Uint8Array }> => {
  const account = await findAccount(deps.sql, "address", address);
  return account === undefined
    ? decoyKdf(deps.serverKey, address)
    : { kdf: account.kdf, salt: account.salt };
};

export type LoginError =
  { readonly kind: "invalid-credentials" } | { readonly kind: "device-revoked" };

export const login = async (
  deps: ServiceDeps,
  input: {
    readonly address: string;
    readonly authSecret: Uint8Array;
    readonly device: DeviceInput;
  },
): Promise<Result<SignedIn, LoginError>> => {
  const account = await findAccount(deps.sql, "address", input.address);
  // An unknown address costs the same hash and gets the same answer as a wrong secret.
  const matches = verifierMatches(input.authSecret, account ?? DECOY_VERIFIER);
  if (account === undefined || !matches) return err({ kind: "invalid-credentials" });
  const now = new Date(deps.now());
  return transactionResult(deps.sql, async (tx): Promise<Result<SignedIn, LoginError>> => {
    const device = await signInDevice(tx, now, account.accountId, input.device);
    if (!device.ok) return device;
    const session = await issueSession(tx, deps, account.accountId, input.device.id);
    const vaults = await listVaults(tx, account.accountId);
    return ok({
      ...session,
      deviceId: input.device.id,
      approval: device.value.approval,
      account: {
        address: account.address,
        kdf: account.kdf,
        salt: account.salt,
        vaults: vaults.map(({ vaultId, wrappedVaultKey }) => ({ vaultId, wrappedVaultKey })),
      },
    });
  });
};

export const getAccount = async (deps: ServiceDeps, accountId: string): Promise<AccountView> => {
  const account = await findAccount(deps.sql, "account_id", accountId);
  if (account === undefined) throw new Error("a session outlived its account");
  const vaults = await listVaults(deps.sql, accountId);
  return {
    address: account.address,
    kdf: account.kdf,
    salt: account.salt,
    vaults: vaults.map(({ vaultId, wrappedVaultKey }) => ({ vaultId, wrappedVaultKey })),
  };
};

export interface ChangeCredentialsInput {
  readonly currentAuthSecret: Uint8Array;
  readonly authSecret: Uint8Array;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly vaults: readonly VaultKey[];
}

export type ChangeCredentialsError =
  { readonly kind: "invalid-credentials" } | { readonly kind: "vault-set-mismatch" };

/**
 * Replaces verifier, KDF parameters, salt and every wrapped vault key in one transaction, so no
 * vault is ever left wrapped under the old credentials, and ends every other session of the
 * account (their open streams end too): a device signed in with the old password, perhaps a
 * thief's, must sign in again with the new one. `keepTokenHash` is the session that asked.
 */
export const changeCredentials = async (
  deps: ServiceDeps,
  accountId: string,
  input: ChangeCredentialsInput,
  keepTokenHash: Uint8Array,
): Promise<Result<void, ChangeCredentialsError>> =>
  transactionResult(deps.sql, async (tx): Promise<Result<void, ChangeCredentialsError>> => {
    const account = await findAccount(tx, "account_id", accountId, true);
    if (account === undefined) throw new Error("a session outlived its account");
    if (!verifierMatches(input.currentAuthSecret, account)) {
      return err({ kind: "invalid-credentials" });
    }
    const held = new Set((await listVaults(tx, accountId)).map((vault) => vault.vaultId));
    const sent = new Set(input.vaults.map((vault) => vault.vaultId));
    if (
      sent.size !== input.vaults.length ||
      sent.size !== held.size ||
      [...sent].some((id) => !held.has(id))
    ) {
      return err({ kind: "vault-set-mismatch" });
    }
    const { verifier, verifierSalt } = createVerifier(input.authSecret);
    await tx.query(
      `UPDATE accounts SET verifier = $2, verifier_salt = $3, kdf_algorithm = $4,
         kdf_memory_kib = $5, kdf_iterations = $6, kdf_parallelism = $7, kdf_salt = $8,
         credentials_changed_at = $9
       WHERE account_id = $1`,
      [
        accountId,
        verifier,
        verifierSalt,
        input.kdf.algorithm,
        input.kdf.memoryKiB,
        input.kdf.iterations,
        input.kdf.parallelism,
        input.salt,
        new Date(deps.now()),
      ],
    );
    for (const vault of input.vaults) {
      await tx.query("UPDATE vaults SET wrapped_key = $3 WHERE vault_id = $1 AND account_id = $2", [
        vault.vaultId,
        accountId,
        vault.wrappedVaultKey,
      ]);
    }
    const ended = await tx.query(
      "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2 RETURNING token_hash",
      [accountId, keepTokenHash],
    );
    for (const row of ended) {
      await tx.query("SELECT pg_notify($1, $2)", [
        NOTICE_CHANNEL,
        encodeNotice({
          kind: "session-ended",
          tokenHash: toBytes(row["token_hash"], "token hash"),
        }),
      ]);
    }
    return ok(undefined);
  });
