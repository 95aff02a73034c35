/** Migration 2 (sharing) on a database a version-1 server wrote: accounts stay, their key logs can be stored. */

import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before } from "node:test";
import { createFreshPostgresDatabase, type FreshDatabase } from "../testing/fresh-postgres.ts";
import { migrate } from "../sql/migrate.ts";
import { createPgClient } from "../sql/pg-client.ts";
import { migrations } from "../sql/schema.ts";
import { accountIdOf, extendKeyLog, readKeyLog } from "./share-store.ts";

const it = boundedIt();

let database: FreshDatabase;
before(async () => {
  database = await createFreshPostgresDatabase();
});
after(() => database.drop());

const entry = {
  seq: 0,
  prev: "",
  createdAt: 1,
  signing: "A".repeat(43),
  x25519: "B".repeat(43),
  xwing: "C".repeat(1622),
  signature: "D".repeat(86),
};

it("a version-1 database gains the sharing tables; its accounts keep working", async () => {
  const sql = await createPgClient({ connectionString: database.url });
  try {
    assert.deepEqual(
      await migrate(
        sql,
        migrations.filter((m) => m.version === 1),
      ),
      [1],
    );
    await sql.query(
      `INSERT INTO accounts (account_id, address, verifier, verifier_salt, kdf_algorithm, kdf_memory_kib,
         kdf_iterations, kdf_parallelism, kdf_salt, created_at, credentials_changed_at)
       VALUES ('0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', 'old@example.com', '\\x00', '\\x00', 'argon2id', 65536, 3, 1, '\\x00', now(), now())`,
    );
    // 2 adds the sharing tables; 3, device approval (docs/PROTOCOL.md 16.10); 4, stored bytes.
    assert.deepEqual(await migrate(sql), [2, 3, 4]);
    const accountId = await accountIdOf(sql, "OLD@example.com");
    assert.equal(accountId, "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
    assert.equal(await readKeyLog(sql, accountId as string), undefined, "no identity yet");
    assert.equal(await extendKeyLog(sql, accountId as string, [entry], new Date()), true);
    assert.deepEqual(await readKeyLog(sql, accountId as string), [entry]);
    // A log that does not start with the stored one is refused and changes nothing.
    const other = { ...entry, signing: "E".repeat(43) };
    assert.equal(await extendKeyLog(sql, accountId as string, [other], new Date()), false);
    assert.deepEqual(await readKeyLog(sql, accountId as string), [entry]);
    await sql.query("DELETE FROM accounts WHERE account_id = $1", [accountId as string]);
    assert.equal((await sql.query("SELECT 1 FROM key_logs")).length, 0, "deleted with the account");
  } finally {
    await sql.close();
  }
});
