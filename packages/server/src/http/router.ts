/** The server's implementation of the whole contract. */

import { accountHandlers } from "./handlers/account-handlers.ts";
import { deviceHandlers } from "./handlers/device-handlers.ts";
import { snapshotHandlers } from "./handlers/snapshot-handlers.ts";
import { vaultHandlers } from "./handlers/vault-handlers.ts";
import { shareHandlers } from "../shares/share-handlers.ts";
import { apiError } from "./api-error.ts";
import { base } from "./implementer.ts";

export const router = base.router({
  meta: {
    health: base.meta.health.handler(async ({ context: { app } }) => {
      try {
        await app.sql.query("SELECT 1");
      } catch {
        throw apiError("UNAVAILABLE");
      }
      return { status: "ok" as const, domain: app.domain };
    }),
  },
  accounts: accountHandlers,
  devices: deviceHandlers,
  vaults: vaultHandlers,
  snapshots: snapshotHandlers,
  shares: shareHandlers,
});
