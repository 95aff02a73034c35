/**
 * Disaster recovery from the devices, on Postgres: the backup is a copy of the database
 * (`CREATE DATABASE … TEMPLATE`, what `pg_dump` and a restore amount to), restored over it.
 */

import { test } from "node:test";
import { startServer } from "@keypears/server";
import { createFreshPostgresDatabase, runAdminStatement } from "@keypears/server/testing";
import { DOMAIN } from "./testing/harness.ts";
import { runDisasterRecovery } from "./testing/disaster-recovery.ts";

test("a Postgres server restored from a backup gets every lost event back from the devices", async () => {
  const database = await createFreshPostgresDatabase();
  const url = new URL(database.url);
  const name = url.pathname.slice(1);
  const backupName = `${name}_backup`;
  const admin = runAdminStatement;
  try {
    await runDisasterRecovery({
      start: (port) =>
        startServer({
          domain: DOMAIN,
          port,
          database: { kind: "postgres", url: database.url },
          log: () => {},
          keepAliveMs: 200,
          shutdownGraceMs: 2000,
        }),
      backup: () => admin(`CREATE DATABASE ${backupName} TEMPLATE ${name}`),
      restore: async () => {
        await admin(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin(`CREATE DATABASE ${name} TEMPLATE ${backupName}`);
      },
    });
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${backupName} WITH (FORCE)`);
    await database.drop();
  }
});
