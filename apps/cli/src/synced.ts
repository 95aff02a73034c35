/** Helpers shared by the commands that talk to a server. */

import { bytesToHex } from "@keypears/base";
import { isLocalOnly } from "@keypears/vault";
import { CliError } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";
import { selectAccount } from "./session.ts";
import type { SyncReport } from "./sync-services.ts";

/** `sync --json` and `login --json` (under "sync"). */
export const syncReportJson = (report: SyncReport) => ({
  pushed: report.pushed,
  pulled: report.pulled,
  verified: { position: report.verified.position, hash: bytesToHex(report.verified.hash) },
  ...(report.snapshotNotice === undefined ? {} : { snapshotNotice: report.snapshotNotice }),
});

/** Fails before any password prompt when the selected account is local only. */
export const requireSynced = (ctx: CommandContext, what: string): void => {
  const address = selectAccount(ctx);
  if (isLocalOnly(address))
    throw new CliError(
      `${address} is a local-only account: it never syncs, so it has no ${what} (accounts at a server's domain sync)`,
    );
};
