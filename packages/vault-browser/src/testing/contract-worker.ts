/**
 * Runs the shared `EventStore` contract in a dedicated worker on OPFS: the vault's SQLite event
 * store on SQLite WASM with the SAH-pool VFS, a fresh file per suite run. Posts the outcomes.
 */

import { describeEventStoreContract } from "@keypears/sync-core/testing";
import { createSqliteEventStore, migrate } from "@keypears/vault/core";
import { openOpfsPool } from "../opfs-pool.ts";
import { runRegisteredTests } from "./node-test-shim.ts";

const pool = await openOpfsPool();
let files = 0;
describeEventStoreContract("SQLite WASM on OPFS (SAH pool)", async () => {
  const address = `contract-${++files}@localhost` as Parameters<typeof pool.storage.open>[0];
  const created = pool.storage.create(address, (db) => {
    migrate(db);
  });
  if (!created) throw new Error("the contract's file already exists");
  const db = pool.storage.open(address);
  return {
    store: createSqliteEventStore(db),
    close: async () => {
      db.close();
      pool.storage.remove(address);
    },
  };
});
const outcomes = await runRegisteredTests();
(globalThis as unknown as { postMessage: (message: unknown) => void }).postMessage(outcomes);
