/**
 * The `SqlClient` on a Postgres server through `pg`: a pool for queries and transactions, and one
 * dedicated connection per `listen` that reconnects with backoff when it drops.
 */

import pg from "pg";
import { assertChannelName } from "./channel-name.ts";
import type { SqlClient, SqlParam, SqlQueryable, SqlRow } from "./sql-client.ts";

export interface PgClientOptions {
  readonly connectionString: string;
  /** Connections in the pool. */
  readonly maxConnections?: number;
  /** Told about connection errors the pool or a listener recovers from (they never throw). */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * Statements get a name, so each connection parses and plans one once and then only binds and
 * runs it. The server's SQL is a fixed set of texts (plus a multi-row insert per batch size), so
 * the names are bounded; past `MAX_NAMED` distinct texts the rest run unnamed.
 */
const MAX_NAMED = 500;
const statementNames = new Map<string, string>();
const statementName = (text: string): string | undefined => {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED) {
    name = `kp${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
};

const queryableOn = (target: pg.Pool | pg.PoolClient): SqlQueryable => ({
  query: async <R extends SqlRow>(text: string, params: readonly SqlParam[] = []) => {
    const name = statementName(text);
    const values = params as unknown[];
    return (await target.query<R>(name === undefined ? { text, values } : { name, text, values }))
      .rows;
  },
  // Without parameters, pg uses the simple protocol, which accepts several statements.
  exec: async (script) => {
    await target.query(script);
  },
});

export const createPgClient = async (options: PgClientOptions): Promise<SqlClient> => {
  const { connectionString, onConnectionError = () => {} } = options;
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10 });
  pool.on("error", onConnectionError);
  // Fail at startup, with the driver's message, if the server cannot be reached.
  (await pool.connect()).release();
  const stoppers = new Set<() => Promise<void>>();

  const listen: SqlClient["listen"] = async (channel, onNotify, onReconnect) => {
    assertChannelName(channel);
    let client: pg.Client | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    let delayMs = 100;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString });
      next.on("notification", (message) => {
        if (message.channel === channel && message.payload !== undefined) onNotify(message.payload);
      });
      next.on("error", (error) => {
        onConnectionError(error);
        reconnect();
      });
      next.on("end", reconnect);
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
      delayMs = 100;
    };
    function reconnect(): void {
      if (stopped || retry !== undefined) return;
      client = undefined;
      retry = setTimeout(() => {
        retry = undefined;
        connect().then(
          () => onReconnect?.(),
          (error: Error) => {
            onConnectionError(error);
            delayMs = Math.min(delayMs * 2, 5000);
            reconnect();
          },
        );
      }, delayMs);
    }
    await connect();
    const stop = async (): Promise<void> => {
      stopped = true;
      stoppers.delete(stop);
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
    stoppers.add(stop);
    return stop;
  };

  return {
    dialect: "postgres",
    ...queryableOn(pool),
    transaction: async (work) => {
      const connection = await pool.connect();
      let broken = false;
      try {
        await connection.query("BEGIN");
        const result = await work(queryableOn(connection));
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        // A connection that cannot even roll back is dropped from the pool, not reused.
        await connection.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        connection.release(broken);
      }
    },
    listen,
    close: async () => {
      await Promise.all([...stoppers].map((stop) => stop()));
      await pool.end();
    },
  };
};
