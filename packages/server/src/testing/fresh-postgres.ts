/**
 * A uniquely named, empty database on the Postgres server of this machine, dropped after the
 * test. The server is found at `KEYPEARS_TEST_POSTGRES_URL`, else at 127.0.0.1:5432 as user
 * `postgres` or `root` (trust authentication, as CI sets it up).
 */

import { randomBytes } from "node:crypto";
import pg from "pg";

export interface FreshDatabase {
  readonly url: string;
  readonly drop: () => Promise<void>;
}

const candidateAdminUrls = (): readonly string[] => {
  const configured = process.env.KEYPEARS_TEST_POSTGRES_URL;
  if (configured !== undefined && configured !== "") return [configured];
  return ["postgres://postgres@127.0.0.1:5432/postgres", "postgres://root@127.0.0.1:5432/postgres"];
};

const connectAdmin = async (): Promise<{ client: pg.Client; url: string }> => {
  const failures: string[] = [];
  for (const url of candidateAdminUrls()) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      return { client, url };
    } catch (error) {
      failures.push(`${new URL(url).username}@${new URL(url).host}: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`no Postgres server for the tests (${failures.join("; ")})`);
};

export const createFreshPostgresDatabase = async (): Promise<FreshDatabase> => {
  const { client, url: adminUrl } = await connectAdmin();
  const name = `keypears_test_${randomBytes(6).toString("hex")}`;
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const admin = (await connectAdmin()).client;
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
};

/** Runs one statement on the test Postgres server's maintenance connection (CREATE/DROP DATABASE). */
export const runAdminStatement = async (statement: string): Promise<void> => {
  const { client } = await connectAdmin();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
};
