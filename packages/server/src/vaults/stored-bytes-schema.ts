/**
 * A counter of the payload bytes each vault's log stores (migration 4): the storage quota used to
 * sum every unpruned event of the account on each push, a cost that grew with the vault. The
 * counter moves in the same statement as the events it counts (insert, prune; events leave
 * otherwise only with their log row), so it is exact at every commit. A database made before
 * this migration gets each log's count from its events.
 */

export const storedBytesMigration = {
  version: 4,
  name: "stored bytes per vault log",
  sql: /* sql */ `
    ALTER TABLE vault_logs ADD COLUMN stored_bytes bigint NOT NULL DEFAULT 0;
    UPDATE vault_logs l SET stored_bytes = counted.bytes
      FROM (SELECT vault_id, sum(size) AS bytes FROM events WHERE payload IS NOT NULL
            GROUP BY vault_id) AS counted
      WHERE counted.vault_id = l.vault_id;
  `,
};
