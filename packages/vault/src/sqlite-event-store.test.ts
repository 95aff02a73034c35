import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeEventStoreContract } from "@keypears/sync-core/testing";
import { migrate } from "./schema.ts";
import { createSqliteEventStore } from "./sqlite-event-store.ts";
import { openSqlite } from "./node/node-sqlite.ts";

describeEventStoreContract("SQLite (vault file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keypears-store-"));
  const db = openSqlite(join(dir, "contract.vault"));
  migrate(db);
  return {
    store: createSqliteEventStore(db),
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
