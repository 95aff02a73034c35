/**
 * Migration 4 (stored bytes per vault log) on a database a version-3 server wrote: each log's
 * count comes from its events, pruned payloads left out, and the storage quota reads it.
 */

import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before } from "node:test";
import { createFreshPostgresDatabase, type FreshDatabase } from "../testing/fresh-postgres.ts";
import { migrate } from "../sql/migrate.ts";
import { createPgClient } from "../sql/pg-client.ts";
import { migrations } from "../sql/schema.ts";
import { storedBytes } from "./storage.ts";

const it = boundedIt();

let database: FreshDatabase;
before(async () => {
  database = await createFreshPostgresDatabase();
});
after(() => database.drop());

const ACCOUNT = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
const VAULTS = ["0190a1b2-c3d4-7e5f-8a6b-000000000001", "0190a1b2-c3d4-7e5f-8a6b-000000000002"];
const EMPTY_VAULT = "0190a1b2-c3d4-7e5f-8a6b-000000000003";

it("a version-3 database gets each log's stored bytes from its unpruned events", async () => {
  const sql = await createPgClient({ connectionString: database.url });
  try {
    assert.deepEqual(
      await migrate(
        sql,
        migrations.filter((m) => m.version <= 3),
      ),
      [1, 2, 3],
    );
    await sql.query(
      `INSERT INTO accounts (account_id, address, verifier, verifier_salt, kdf_algorithm, kdf_memory_kib,
         kdf_iterations, kdf_parallelism, kdf_salt, created_at, credentials_changed_at)
       VALUES ($1, 'old@example.com', '\\x00', '\\x00', 'argon2id', 65536, 3, 1, '\\x00', now(), now())`,
      [ACCOUNT],
    );
    for (const vault of [...VAULTS, EMPTY_VAULT]) {
      await sql.query("INSERT INTO vault_logs (vault_id, head_hash) VALUES ($1, '\\x00')", [vault]);
      await sql.query(
        "INSERT INTO vaults (vault_id, account_id, wrapped_key, created_at) VALUES ($1, $2, '\\x00', now())",
        [vault, ACCOUNT],
      );
    }
    // Vault 1: five events of 100..500 bytes, the first two pruned; vault 2: one of 7 bytes.
    const events: [string, number, number, boolean][] = [
      [VAULTS[0]!, 1, 100, true],
      [VAULTS[0]!, 2, 200, true],
      [VAULTS[0]!, 3, 300, false],
      [VAULTS[0]!, 4, 400, false],
      [VAULTS[0]!, 5, 500, false],
      [VAULTS[1]!, 1, 7, false],
    ];
    for (const [vault, position, size, pruned] of events) {
      await sql.query(
        `INSERT INTO events (vault_id, position, event_id, payload, size, event_hash, chain_hash)
         VALUES ($1, $2, gen_random_uuid(), $3, $4, '\\x00', '\\x00')`,
        [vault, position, pruned ? null : new Uint8Array(size), size],
      );
    }
    await sql.query("UPDATE vault_logs SET pruned_through = 2 WHERE vault_id = $1", [VAULTS[0]!]);
    await sql.query(
      `INSERT INTO snapshots (vault_id, position, chain_hash, payload, size, created_at)
       VALUES ($1, 2, '\\x00', '\\x00', 1000, now())`,
      [VAULTS[0]!],
    );

    assert.deepEqual(await migrate(sql), [4]);
    const rows = await sql.query("SELECT vault_id, stored_bytes FROM vault_logs ORDER BY vault_id");
    assert.deepEqual(
      rows.map((row) => [row.vault_id, Number(row.stored_bytes)]),
      [
        [VAULTS[0], 1200],
        [VAULTS[1], 7],
        [EMPTY_VAULT, 0],
      ],
    );
    assert.equal(await storedBytes(sql, ACCOUNT), 1200 + 7 + 1000, "events and the snapshot");
    assert.deepEqual(await migrate(sql), [], "applied once");
  } finally {
    await sql.close();
  }
});
