import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before } from "node:test";
import { startServer } from "./server.ts";
import { createPgClient } from "./sql/pg-client.ts";
import { createFreshPostgresDatabase, type FreshDatabase } from "./testing/fresh-postgres.ts";
import { encodings, runSecretScenario } from "./testing/secret-scenario.ts";

const it = boundedIt();

let database: FreshDatabase;
before(async () => {
  database = await createFreshPostgresDatabase();
});
after(() => database.drop());

const hex = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString("hex");

it("on Postgres too: a dump of every table holds the ciphertexts and none of the plaintexts or secrets", async () => {
  const logs: string[] = [];
  const server = await startServer({
    domain: "example.test",
    port: 0,
    database: { kind: "postgres", url: database.url },
    log: (line) => logs.push(line),
  });
  const secrets = await runSecretScenario(server.apiUrl, server.domain);
  await server.close();

  const sql = await createPgClient({ connectionString: database.url });
  const tables = await sql.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
  );
  let dump = "";
  for (const { table_name } of tables) {
    // bytea columns come out as \x-prefixed hex.
    const rows = await sql.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
    );
    dump += rows.map((r) => r.row).join("\n");
  }
  await sql.close();
  assert.ok(tables.length >= 9, "every table was dumped");

  for (const ciphertext of secrets.ciphertexts)
    assert.ok(dump.includes(hex(ciphertext)), "control: ciphertext found");
  for (const plaintext of secrets.plaintexts) {
    assert.ok(
      !dump.includes(plaintext) && !dump.includes(hex(plaintext)),
      `plaintext ${plaintext} in the database`,
    );
  }
  for (const secret of secrets.secretBytes) {
    for (const encoded of encodings(secret))
      assert.ok(!dump.includes(encoded.toString("latin1")), "a secret in the database");
  }
  const log = logs.join("\n");
  for (const plaintext of secrets.plaintexts)
    assert.ok(!log.includes(plaintext), "plaintext in the logs");
});
