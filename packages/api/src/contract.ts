/**
 * The KeyPears API contract: every route, its input, output and typed errors. The server
 * implements it, clients call it, and the OpenAPI document is generated from it.
 */

import { accountRoutes } from "./routes/accounts.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { metaRoutes } from "./routes/meta.ts";
import { shareRoutes } from "./routes/shares.ts";
import { snapshotRoutes } from "./routes/snapshots.ts";
import { vaultRoutes } from "./routes/vaults.ts";

export const keypearsContract = {
  meta: metaRoutes,
  accounts: accountRoutes,
  devices: deviceRoutes,
  vaults: vaultRoutes,
  snapshots: snapshotRoutes,
  shares: shareRoutes,
};

export type KeypearsContract = typeof keypearsContract;
