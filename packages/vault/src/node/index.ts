/** The vault's Node adapter: better-sqlite3, vault files under `KEYPEARS_HOME`, `node:zlib`, file watching. */

export * from "./home.ts";
export * from "./node-accounts.ts";
export * from "./node-compression.ts";
export * from "./node-signature-verifier.ts";
export * from "./node-sqlite.ts";
export * from "./node-storage.ts";
