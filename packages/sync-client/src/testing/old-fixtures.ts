/**
 * The files earlier versions of KeyPears wrote (`vault/src/testing/fixtures`, see its README): a
 * server's Postgres database restored from its dump, and a device's vault file copied into a new
 * home, for the migration tests.
 */

import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createFreshPostgresDatabase } from "@keypears/server/testing";
import { createTestHome, type TestHome } from "@keypears/vault/testing";
import pg from "pg";

export const FIXTURES = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "vault",
  "src",
  "testing",
  "fixtures",
);

/** The fixture's JSON (`v1-fixture.json`, ...). */
export const fixtureJson = <T>(name: string): T =>
  JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as T;

/**
 * A fresh Postgres database holding the dump `name` (`pg_dump --inserts`), its sessions made
 * valid again (they were issued when the fixture was made). Drop it when done.
 */
export const restoreFixtureDatabase = async (name: string) => {
  const database = await createFreshPostgresDatabase();
  const loader = new pg.Client({ connectionString: database.url });
  await loader.connect();
  try {
    const dump = readFileSync(join(FIXTURES, name), "utf8")
      .split("\n")
      .filter((line) => !line.startsWith("\\")) // psql's \restrict lines
      .join("\n");
    await loader.query(dump);
    await loader.query("UPDATE public.sessions SET expires_at = now() + interval '30 days'");
  } finally {
    await loader.end();
  }
  return database;
};

/** A new home holding the vault file `name` as `address`'s, as the device that wrote it left it. */
export const homeWithFixtureVault = (name: string, address: string): TestHome => {
  const home = createTestHome();
  mkdirSync(join(home.path, "vaults"), { recursive: true });
  copyFileSync(join(FIXTURES, name), join(home.path, "vaults", `${address}.vault`));
  return home;
};
