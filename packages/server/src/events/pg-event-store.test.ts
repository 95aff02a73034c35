import { describeEventStoreContract } from "@keypears/sync-core/testing";
import { migrate } from "../sql/migrate.ts";
import { createPgliteClient } from "../sql/pglite-client.ts";
import { createPgEventStore } from "./pg-event-store.ts";

describeEventStoreContract("PGlite", async () => {
  const sql = await createPgliteClient();
  await migrate(sql);
  return { store: createPgEventStore(sql), close: () => sql.close() };
});
