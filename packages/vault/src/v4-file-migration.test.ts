/**
 * A vault file written by schema-4 code (main before history was read from merge states) opens
 * with this code: the schema migrates to 5, every item and its whole history read as before
 * (including a refused change the user dropped, which only the history table holds), and new
 * writes add no history rows.
 */

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { unlockVault } from "./node/node-accounts.ts";
import { vaultPath } from "./node/home.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { parseAddress } from "./address.ts";
import { SCHEMA_VERSION } from "./schema.ts";
import { cheapDeps, createTestHome, expectOk } from "./testing/test-home.ts";

const fixtures = join(import.meta.dirname, "testing", "fixtures");
const meta = JSON.parse(readFileSync(join(fixtures, "v4-fixture.json"), "utf8")) as {
  address: string;
  password: string;
  refused: string;
};
const home = createTestHome();
after(() => home.remove());

const count = (sql: string): number => {
  const db = openSqlite(vaultPath(home.path, expectOk(parseAddress(meta.address))));
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test("a schema-4 vault file migrates to 5: items and their whole history read as before; new writes add no history rows", async () => {
  mkdirSync(join(home.path, "vaults"), { recursive: true });
  copyFileSync(
    join(fixtures, "v4-laptop.vault"),
    join(home.path, "vaults", `${meta.address}.vault`),
  );
  assert.equal(count("SELECT user_version AS n FROM pragma_user_version"), 4);
  const historyRows = count("SELECT count(*) AS n FROM history");
  assert.equal(historyRows, 15, "schema 4 wrote a history row per field write");

  const vault = expectOk(
    await unlockVault({
      home: home.path,
      address: meta.address,
      password: meta.password,
      deps: cheapDeps(),
    }),
  );
  try {
    assert.deepEqual(
      vault
        .list()
        .map((item) => item.title)
        .sort(),
      ["Bank", "Mail"],
    );
    assert.equal(
      expectOk(vault.get("Bank")).fields.find((f) => f.name === "password")?.value,
      "Bank-pw-2",
    );
    const bank = expectOk(vault.history("Bank"));
    const values = (name: string) =>
      bank.fields.find((f) => f.name === name)?.entries.map((e) => e.value);
    assert.deepEqual(values("password"), ["Bank-pw", "Bank-pw-2", "Bank-pw-refused"]);
    assert.deepEqual(values("notes"), ["two fields in one write"]);
    assert.deepEqual(values("username"), ["bank-user"]);
    assert.equal(
      bank.fields
        .find((f) => f.name === "password")
        ?.entries.find((e) => e.eventId === meta.refused)?.current,
      false,
      "the dropped change is history, not the current value",
    );
    assert.deepEqual(
      expectOk(vault.history("Mail")).status.map((s) => s.action),
      ["delete", "restore"],
    );
    assert.deepEqual(
      expectOk(vault.history("Bank", "password")).fields[0]?.entries.map((e) => e.value),
      ["Bank-pw", "Bank-pw-2", "Bank-pw-refused"],
    );

    expectOk(vault.edit("Bank", { password: "Bank-pw-3" }));
    assert.deepEqual(
      expectOk(vault.history("Bank", "password")).fields[0]?.entries.map((e) => e.value),
      ["Bank-pw", "Bank-pw-2", "Bank-pw-refused", "Bank-pw-3"],
    );
  } finally {
    vault.lock();
  }
  assert.equal(count("SELECT user_version AS n FROM pragma_user_version"), SCHEMA_VERSION);
  assert.equal(count("SELECT count(*) AS n FROM history"), historyRows, "no history row per write");
});
