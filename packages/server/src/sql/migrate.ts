/**
 * Brings a database up to the newest schema. Several server processes may start at once on one
 * Postgres: a transaction-scoped advisory lock lets one of them migrate while the others wait.
 */

import { toSafeInt } from "./values.ts";
import { type Migration, migrations as allMigrations } from "./schema.ts";
import type { SqlClient } from "./sql-client.ts";

/** An arbitrary constant naming KeyPears's migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 7_461_203_519;

/** Applies the missing migrations in order; returns the versions it applied. */
export const migrate = async (
  sql: SqlClient,
  migrations: readonly Migration[] = allMigrations,
): Promise<readonly number[]> =>
  sql.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const rows = await tx.query("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((row) => toSafeInt(row.version, "version")));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(
        `the database has schema version ${newest}, newer than this server knows (${known}): upgrade the server`,
      );
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
