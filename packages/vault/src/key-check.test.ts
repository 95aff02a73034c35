/**
 * A damaged account row is reported as damage, not as a wrong password: the stored key material
 * has a checksum (schema 4). A file from schema 3 gains the column on opening and its checksum on
 * the first unlock that opens the keys.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { unlockVault } from "./node/node-accounts.ts";
import { vaultPath } from "./node/home.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { parseAddress } from "./address.ts";
import { SCHEMA_VERSION } from "./schema.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/test-home.ts";

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "key check password";

const pathOf = (address: string) => vaultPath(home.path, expectOk(parseAddress(address)));

/** Flips one bit of a column of the account row, as a bad disk sector or a careless edit would. */
const damage = (address: string, column: "wrapped_vault_key" | "sealed_secret_key" | "salt") => {
  const db = openSqlite(pathOf(address));
  try {
    const row = db.prepare(`SELECT ${column} AS v FROM account`).get() as { v: Uint8Array };
    const bytes = Uint8Array.from(row.v);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    db.prepare(`UPDATE account SET ${column} = ?`).run(bytes);
  } finally {
    db.close();
  }
};

const unlock = (address: string, password = PASSWORD) =>
  unlockVault({ home: home.path, address, password, deps: cheapDeps() });

test("damaged key material is reported as damage; a wrong password still as a wrong password", async () => {
  for (const column of ["wrapped_vault_key", "sealed_secret_key", "salt"] as const) {
    const address = `damaged-${column.replaceAll("_", "")}@localhost`;
    (await createTestAccount(home.path, address, { password: PASSWORD })).vault.lock();
    const wrong = await unlock(address, "not the password");
    assert.equal(!wrong.ok && wrong.error.kind, "wrong-credentials", column);
    damage(address, column);
    const damaged = await unlock(address);
    assert.deepEqual(damaged.ok ? "unlocked" : damaged.error, {
      kind: "damaged-keys",
      path: pathOf(address),
    });
    // With a wrong password too: the file is damaged whatever the password.
    const both = await unlock(address, "not the password");
    assert.equal(!both.ok && both.error.kind, "damaged-keys", column);
  }
});

test("a schema 2 file migrates to 3 and records its checksum at the first unlock", async () => {
  const address = "old@localhost";
  const { vault } = await createTestAccount(home.path, address, { password: PASSWORD });
  expectOk(vault.add({ fields: { title: "Kept" } }));
  vault.lock();
  // As KeyPears wrote it before schema 4: no key_check column, user_version 3.
  const db = openSqlite(pathOf(address));
  db.exec(
    "DROP INDEX outbox_by_batch; ALTER TABLE outbox DROP COLUMN batch_id; DROP TABLE batch_covers; DROP TABLE deferred_items; DROP TABLE key_epochs; ALTER TABLE account DROP COLUMN key_check; PRAGMA user_version = 3",
  );
  db.close();

  const first = expectOk(await unlock(address));
  assert.deepEqual(
    first.list().map((i) => i.title),
    ["Kept"],
  );
  first.lock();
  const migrated = openSqlite(pathOf(address));
  const row = migrated.prepare("SELECT key_check FROM account").get() as { key_check: unknown };
  const version = migrated.prepare("PRAGMA user_version").get() as { user_version: number };
  migrated.close();
  assert.equal(version.user_version, SCHEMA_VERSION);
  assert.ok(row.key_check instanceof Uint8Array && row.key_check.length === 16);

  damage(address, "wrapped_vault_key");
  const damaged = await unlock(address);
  assert.equal(!damaged.ok && damaged.error.kind, "damaged-keys");
});
