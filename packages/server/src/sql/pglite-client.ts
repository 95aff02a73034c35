/**
 * The `SqlClient` on PGlite (Postgres in WASM, in this process). PGlite is a single session, so
 * every query and transaction takes turns through one mutex: a statement issued while another
 * caller's transaction is open would otherwise run inside it.
 *
 * PGlite runs in this thread and its promises settle without real I/O, so a queue of statements
 * would run back to back in microtasks and starve the event loop: no new connection, not even
 * /health, would be served until the queue is empty. Each statement therefore first yields to the
 * event loop (`setImmediate`).
 */

import { PGlite } from "@electric-sql/pglite";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { assertChannelName } from "./channel-name.ts";
import { createMutex } from "./mutex.ts";
import type { SqlClient, SqlParam, SqlQueryable, SqlRow } from "./sql-client.ts";

export interface PgliteClientOptions {
  /** A directory for the database files; in memory when absent. It must exist. */
  readonly dataDir?: string;
}

export const createPgliteClient = async (options: PgliteClientOptions = {}): Promise<SqlClient> => {
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const mutex = createMutex();
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error("the database is closed");
  };
  const queryableOn = (target: Pick<PGlite, "query" | "exec">): SqlQueryable => ({
    query: async <R extends SqlRow>(text: string, params: readonly SqlParam[] = []) =>
      (await target.query<R>(text, params as unknown[])).rows,
    exec: async (script) => {
      await target.exec(script);
    },
  });
  const direct = queryableOn(db);

  return {
    dialect: "pglite",
    query: async (text, params) => {
      assertOpen();
      await yieldToEventLoop();
      return mutex.run(() => direct.query(text, params));
    },
    exec: async (script) => {
      assertOpen();
      await yieldToEventLoop();
      return mutex.run(() => direct.exec(script));
    },
    transaction: async (work) => {
      assertOpen();
      await yieldToEventLoop();
      return mutex.run(() => db.transaction(async (pgTx) => work(queryableOn(pgTx))));
    },
    listen: async (channel, onNotify) => {
      assertOpen();
      assertChannelName(channel);
      const unlisten = await mutex.run(() => db.listen(channel, onNotify));
      return async () => {
        if (!closed) await mutex.run(() => unlisten());
      };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await mutex.idle();
      await db.close();
    },
  };
};
