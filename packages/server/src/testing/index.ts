/**
 * Fixtures for tests of other packages against a real server (e.g. the sync client): a server
 * in memory on a free port, accounts registered the way a client does it, a fresh Postgres
 * database, and a spawned `keypears serve` process.
 */

export * from "./expect-error.ts";
export * from "./follow-stream.ts";
export * from "./fresh-postgres.ts";
export * from "./spawn-server.ts";
export * from "./test-server.ts";
