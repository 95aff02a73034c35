/**
 * How many payload bytes an account stores: its events not yet pruned and its snapshots, across
 * its vaults. Counted from the tables (no counter to keep in step), for the storage quota.
 */

import type { SqlQueryable } from "../sql/sql-client.ts";
import { toSafeInt } from "../sql/values.ts";

export const storedBytes = async (db: SqlQueryable, accountId: string): Promise<number> => {
  const [row] = await db.query(
    `SELECT
       (SELECT COALESCE(sum(e.size), 0) FROM events e JOIN vaults v ON v.vault_id = e.vault_id
         WHERE v.account_id = $1 AND e.payload IS NOT NULL)
     + (SELECT COALESCE(sum(s.size), 0) FROM snapshots s JOIN vaults v ON v.vault_id = s.vault_id
         WHERE v.account_id = $1) AS n`,
    [accountId],
  );
  return toSafeInt(row?.n ?? 0, "n");
};
