/**
 * Which account owns which vault, and the vault key each holds (wrapped by the client, opaque
 * here). Every vault route asks `vaultAccess` first: a session reaches its own account's vaults
 * and no others.
 */

import { err, ok, type Result } from "@keypears/base";
import {
  type ChainHash,
  type Checkpoint,
  type DeviceId,
  GENESIS,
  type VaultId,
} from "@keypears/sync-core";
import { type Session, sessionLiveSql } from "../accounts/sessions.ts";
import type { ServiceDeps } from "../deps.ts";
import type { SqlQueryable } from "../sql/sql-client.ts";
import { toBytes, toSafeInt, toText } from "../sql/values.ts";

export interface VaultKey {
  readonly vaultId: VaultId;
  readonly wrappedVaultKey: Uint8Array;
}

export interface VaultSummary extends VaultKey {
  readonly head: Checkpoint;
}

export type VaultExists = { readonly kind: "vault-exists" };

/** Creates the vault's log and its ownership; refuses an id that is already taken, by anyone. */
export const createVault = async (
  tx: SqlQueryable,
  now: Date,
  accountId: string,
  vault: VaultKey,
): Promise<Result<VaultSummary, VaultExists>> => {
  const created = await tx.query(
    `INSERT INTO vault_logs (vault_id, head_hash) VALUES ($1, $2)
     ON CONFLICT (vault_id) DO NOTHING RETURNING vault_id`,
    [vault.vaultId, GENESIS.hash],
  );
  if (created.length === 0) return err({ kind: "vault-exists" });
  await tx.query(
    "INSERT INTO vaults (vault_id, account_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4)",
    [vault.vaultId, accountId, vault.wrappedVaultKey, now],
  );
  return ok({ ...vault, head: GENESIS });
};

/**
 * Replaces the wrapped key of an account's vault if it is still `previous` (compare and swap, so
 * a key wrapped under an old password never replaces one a password change wrote). False when the
 * vault is not the account's or its key changed.
 */
export const replaceWrappedKey = async (
  db: SqlQueryable,
  accountId: string,
  vaultId: VaultId,
  previous: Uint8Array,
  wrappedVaultKey: Uint8Array,
): Promise<boolean> =>
  (
    await db.query(
      `UPDATE vaults SET wrapped_key = $4
       WHERE vault_id = $1 AND account_id = $2 AND wrapped_key = $3 RETURNING vault_id`,
      [vaultId, accountId, previous, wrappedVaultKey],
    )
  ).length === 1;

export const listVaults = async (
  db: SqlQueryable,
  accountId: string,
): Promise<readonly VaultSummary[]> =>
  (
    await db.query(
      `SELECT v.vault_id, v.wrapped_key, l.head_position, l.head_hash
       FROM vaults v JOIN vault_logs l USING (vault_id)
       WHERE v.account_id = $1 ORDER BY v.created_at, v.vault_id`,
      [accountId],
    )
  ).map((row) => ({
    vaultId: toText(row.vault_id, "vault_id") as VaultId,
    wrappedVaultKey: toBytes(row.wrapped_key, "wrapped_key"),
    head: {
      position: toSafeInt(row.head_position, "head_position"),
      hash: toBytes(row.head_hash, "head_hash") as ChainHash,
    },
  }));

export type VaultAccess = "owner" | "other-account" | "unknown";

/**
 * Who owns the vault, from the session's point of view, and whether the session is still live:
 * one query, so a vault route never reads or writes on a session that ended a moment ago on
 * another server process (the HTTP layer may have found it in its cache).
 */
export const vaultAccess = async (
  deps: Pick<ServiceDeps, "sql" | "now">,
  session: Session,
  vaultId: VaultId,
): Promise<VaultAccess | "session-ended"> => {
  const [row] = await deps.sql.query(
    `SELECT ${sessionLiveSql("$2", "$3")} AS session_live,
       (SELECT account_id FROM vaults WHERE vault_id = $1) AS account_id`,
    [vaultId, session.tokenHash, new Date(deps.now())],
  );
  if (row === undefined || row.session_live !== true) return "session-ended";
  if (row.account_id === null || row.account_id === undefined) return "unknown";
  return toText(row.account_id, "account_id") === session.accountId ? "owner" : "other-account";
};

/**
 * Records that the device holds the vault's events up to `position` (a pull after it says so).
 * Never moves back; the pruning policy reads it.
 */
export const recordAck = async (
  deps: Pick<ServiceDeps, "sql" | "now">,
  accountId: string,
  deviceId: DeviceId,
  vaultId: VaultId,
  position: number,
): Promise<void> => {
  await deps.sql.query(
    `INSERT INTO device_acks (vault_id, account_id, device_id, position, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (vault_id, account_id, device_id) DO UPDATE
       SET position = GREATEST(device_acks.position, EXCLUDED.position),
           updated_at = EXCLUDED.updated_at`,
    [vaultId, accountId, deviceId, position, new Date(deps.now())],
  );
};
