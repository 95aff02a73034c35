/**
 * The server's own secret key (for the decoy pre-login salts), made once and kept in the database
 * so every process and every restart uses the same one.
 */

import { randomBytes } from "node:crypto";
import type { SqlClient } from "../sql/sql-client.ts";
import { toBytes } from "../sql/values.ts";

const KEY_NAME = "decoy-salt-key";

export const loadServerKey = async (sql: SqlClient): Promise<Uint8Array> => {
  await sql.query(
    "INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    [KEY_NAME, new Uint8Array(randomBytes(32))],
  );
  const [row] = await sql.query("SELECT value FROM server_settings WHERE key = $1", [KEY_NAME]);
  if (row === undefined) throw new Error(`server setting ${KEY_NAME} is missing after insert`);
  return toBytes(row.value, "value");
};
