import { describeEventStoreContract } from "@keypears/sync-core/testing";
import { migrate } from "../sql/migrate.ts";
import { createPgClient } from "../sql/pg-client.ts";
import { createFreshPostgresDatabase } from "../testing/fresh-postgres.ts";
import { createPgEventStore } from "./pg-event-store.ts";

describeEventStoreContract("Postgres", async () => {
  const database = await createFreshPostgresDatabase();
  const sql = await createPgClient({ connectionString: database.url });
  await migrate(sql);
  return {
    store: createPgEventStore(sql),
    close: async () => {
      await sql.close();
      await database.drop();
    },
  };
});
