/**
 * Everything a push needs to know before it writes, in one query: whether its session is still
 * live, who owns the vault, the vault's head, which of the batch's event ids the log already
 * holds, and what the pushing account stores (for its quota). With the append's one statement
 * (`PgEventStore.appendOnto`), a push is two round trips to the database.
 *
 * The session is checked here again, in the database, even when the HTTP layer found it in the
 * session cache: a write never rides on a cached session, so a revoked device's push is refused
 * as soon as the revocation commits, on every server process.
 */

import type { ChainHash, Checkpoint, VaultId } from "@keypears/sync-core";
import { type Session, sessionLiveSql } from "../accounts/sessions.ts";
import { type AppendBase, type KnownEvent, knownEventOf } from "../events/pg-event-store.ts";
import type { SqlQueryable } from "../sql/sql-client.ts";
import { toBytes, toSafeInt, toText } from "../sql/values.ts";
import { storedBytesSql } from "./storage.ts";
import type { VaultAccess } from "./vaults.ts";

export type PushPreflight =
  | { readonly kind: "session-ended" }
  | { readonly kind: Exclude<VaultAccess, "owner"> }
  | {
      readonly kind: "owner";
      readonly base: AppendBase;
      /** Payload bytes the account stores now (events not pruned, snapshots). */
      readonly storedBytes: number;
    };

const PREFLIGHT = `
  SELECT
    ${sessionLiveSql("$2", "$3")} AS session_live,
    v.account_id, l.head_position, l.head_hash,
    ${storedBytesSql("$4")} AS stored,
    e.event_id, e.position, e.event_hash, e.chain_hash
  FROM (SELECT $1::uuid AS vault_id) AS asked
  LEFT JOIN vaults v ON v.vault_id = asked.vault_id
  LEFT JOIN vault_logs l ON l.vault_id = asked.vault_id
  LEFT JOIN events e ON e.vault_id = asked.vault_id AND e.event_id = ANY($5::uuid[])`;

export const pushPreflight = async (
  db: SqlQueryable,
  now: number,
  session: Session,
  vaultId: VaultId,
  eventIds: readonly string[],
): Promise<PushPreflight> => {
  const rows = await db.query(PREFLIGHT, [
    vaultId,
    session.tokenHash,
    new Date(now),
    session.accountId,
    [...new Set(eventIds)],
  ]);
  const [first] = rows;
  if (first === undefined || first.session_live !== true) return { kind: "session-ended" };
  if (first.account_id === null || first.account_id === undefined) return { kind: "unknown" };
  if (toText(first.account_id, "account_id") !== session.accountId) {
    return { kind: "other-account" };
  }
  const head: Checkpoint = {
    position: toSafeInt(first.head_position, "head_position"),
    hash: toBytes(first.head_hash, "head_hash") as ChainHash,
  };
  const knownById = new Map<string, KnownEvent>();
  for (const row of rows) {
    if (row.event_id !== null && row.event_id !== undefined) {
      knownById.set(toText(row.event_id, "event_id"), knownEventOf(row));
    }
  }
  return {
    kind: "owner",
    base: { head, knownById },
    storedBytes: toSafeInt(first.stored, "stored"),
  };
};
