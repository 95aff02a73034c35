import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before } from "node:test";
import { createFreshPostgresDatabase, type FreshDatabase } from "../testing/fresh-postgres.ts";
import { migrate } from "./migrate.ts";
import { createPgClient } from "./pg-client.ts";
import { migrations } from "./schema.ts";

const it = boundedIt();

let database: FreshDatabase;
before(async () => {
  database = await createFreshPostgresDatabase();
});
after(() => database.drop());

it("migrates an empty database once, even with several processes starting at the same time", async () => {
  const clients = await Promise.all(
    Array.from({ length: 4 }, () => createPgClient({ connectionString: database.url })),
  );
  try {
    const applied = await Promise.all(clients.map((sql) => migrate(sql)));
    assert.deepEqual(
      applied.flat().sort((a, b) => a - b),
      migrations.map((m) => m.version),
    );
    assert.deepEqual(await migrate(clients[0]!), [], "nothing left to apply");
  } finally {
    await Promise.all(clients.map((sql) => sql.close()));
  }
});

it("refuses a database migrated by a newer server", async () => {
  const sql = await createPgClient({ connectionString: database.url });
  try {
    await sql.query(
      "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')",
    );
    await assert.rejects(() => migrate(sql), /schema version 999, newer than this server knows/);
  } finally {
    await sql.query("DELETE FROM schema_migrations WHERE version = 999");
    await sql.close();
  }
});
