/**
 * How many payload bytes an account stores: its events not yet pruned (each vault log's
 * `stored_bytes`, kept in step by the event store's statements; see `stored-bytes-schema.ts`) and
 * its snapshots, across its vaults, for the storage quota. The cost grows with the account's
 * vaults and snapshots, not with its events.
 */

import type { SqlQueryable } from "../sql/sql-client.ts";
import { toSafeInt } from "../sql/values.ts";

/** The SQL expression of the bytes the account `$account` stores. */
export const storedBytesSql = (account: string): string => `(
  (SELECT COALESCE(sum(sl.stored_bytes), 0) FROM vault_logs sl JOIN vaults sv ON sv.vault_id = sl.vault_id
    WHERE sv.account_id = ${account})
  + (SELECT COALESCE(sum(ss.size), 0) FROM snapshots ss JOIN vaults sv ON sv.vault_id = ss.vault_id
    WHERE sv.account_id = ${account}))`;

export const storedBytes = async (db: SqlQueryable, accountId: string): Promise<number> => {
  const [row] = await db.query(`SELECT ${storedBytesSql("$1")} AS n`, [accountId]);
  return toSafeInt(row?.n ?? 0, "n");
};
