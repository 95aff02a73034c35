/** What the account, vault and snapshot services share: the database, the event store, the clock. */

import type { PgEventStore } from "./events/pg-event-store.ts";
import type { SqlClient } from "./sql/sql-client.ts";

export interface ServiceDeps {
  readonly sql: SqlClient;
  readonly events: PgEventStore;
  /** Milliseconds since the epoch; tests move it to expire sessions. */
  readonly now: () => number;
  /** The one domain whose addresses this server holds, lowercased. */
  readonly domain: string;
  /** The server's own secret, for the decoy pre-login salts. */
  readonly serverKey: Uint8Array;
  readonly sessionTtlMs: number;
}
