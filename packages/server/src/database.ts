/**
 * Opens the server's database: the embedded one (PGlite) in a data directory, held with a
 * lockfile since PGlite has no lock between processes; an in-memory one (tests); or a Postgres
 * server. The schema is migrated before the database is handed out.
 */

import { err, ok, type Result } from "@keypears/base";
import { mkdirSync } from "node:fs";
import { dataDirLayout } from "./data-dir/paths.ts";
import { acquireLock, type LockHeld } from "./data-dir/lockfile.ts";
import { migrate } from "./sql/migrate.ts";
import { createPgClient } from "./sql/pg-client.ts";
import { createPgliteClient } from "./sql/pglite-client.ts";
import type { SqlClient } from "./sql/sql-client.ts";

export type DatabaseOption =
  | { readonly kind: "embedded"; readonly dataDir: string }
  | { readonly kind: "memory" }
  | { readonly kind: "postgres"; readonly url: string };

export interface OpenedDatabase {
  readonly sql: SqlClient;
  /** For logs: the data directory, or the server's host and database name (never a password). */
  readonly label: string;
  readonly migrationsApplied: readonly number[];
  readonly close: () => Promise<void>;
}

export const describePostgresUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `postgres ${parsed.hostname}${parsed.port === "" ? "" : `:${parsed.port}`}${parsed.pathname}`;
  } catch {
    return "postgres (unparsable URL)";
  }
};

const withMigrations = async (
  sql: SqlClient,
  label: string,
  release: () => void,
): Promise<OpenedDatabase> => {
  try {
    const migrationsApplied = await migrate(sql);
    return {
      sql,
      label,
      migrationsApplied,
      close: async () => {
        try {
          await sql.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    await sql.close().catch(() => undefined);
    release();
    throw error;
  }
};

export const openDatabase = async (
  option: DatabaseOption,
  onConnectionError: (error: Error) => void = () => {},
): Promise<Result<OpenedDatabase, LockHeld>> => {
  switch (option.kind) {
    case "memory":
      return ok(await withMigrations(await createPgliteClient(), "in memory", () => {}));
    case "postgres": {
      const sql = await createPgClient({ connectionString: option.url, onConnectionError });
      return ok(await withMigrations(sql, describePostgresUrl(option.url), () => {}));
    }
    case "embedded": {
      const layout = dataDirLayout(option.dataDir);
      mkdirSync(layout.pgdata, { recursive: true, mode: 0o700 });
      const lock = acquireLock(layout.lockFile, `The data directory ${option.dataDir}`);
      if (!lock.ok) return err(lock.error);
      // A crash that still runs exit handlers leaves no lock behind; a kill -9 leaves a stale one.
      const releaseOnExit = (): void => lock.value.release();
      process.once("exit", releaseOnExit);
      const release = (): void => {
        process.off("exit", releaseOnExit);
        lock.value.release();
      };
      let sql: SqlClient;
      try {
        sql = await createPgliteClient({ dataDir: layout.pgdata });
      } catch (error) {
        release();
        throw error;
      }
      return ok(await withMigrations(sql, `embedded ${option.dataDir}`, release));
    }
  }
};
