/** `keypears sync [--watch]`: push, pull and verify through the account's server. */

import { syncFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { isoTime, plural } from "../format.ts";
import { createProgressLine } from "../progress.ts";
import { withVault } from "../session.ts";
import type { SyncReport } from "../sync-services.ts";
import { requireSynced, syncReportJson } from "../synced.ts";

export const command = defineCommand({
  usage: "sync [--watch]",
  description: `
Sends this device's changes, receives everyone else's, and verifies the server's log against
this device's hash chain (a server that forks or rewrites history is caught). Changes are
always saved locally first, so a server that is down loses nothing: sync again later.

--watch syncs, then stays connected until Ctrl-C: it applies other devices' changes as they
happen, and sends this device's at once, including edits made by keypears in another terminal.
With --json it prints one JSON object per line, one for each round that moved something.`,
  options: { watch: { type: "boolean", description: "stay live until Ctrl-C" } },
  positionals: { min: 0, max: 0 },
  examples: ["keypears sync", "keypears sync --watch", "keypears sync --json"],
  run: async (ctx) => {
    requireSynced(ctx, "server to sync with");
    return withVault(ctx, async (vault) => {
      const services = await ctx.syncServices();
      const progress = createProgressLine(ctx.io, ctx.json);
      const print = (report: SyncReport, compact: boolean) => {
        progress.done();
        if (ctx.json) {
          const data = {
            account: vault.address,
            at: isoTime(Date.now()),
            ...syncReportJson(report),
          };
          ctx.io.stdout.write(`${JSON.stringify(data, null, compact ? undefined : 2)}\n`);
          return;
        }
        const conflicts = vault.conflicts().length;
        ctx.out.line(
          `Synced ${vault.address}: sent ${plural(report.pushed, "change")}, received ${plural(report.pulled, "change")}, verified up to position ${report.verified.position}.` +
            (conflicts > 0
              ? ctx.out.style.yellow(
                  ` ${plural(conflicts, "conflict")} to settle: see \`keypears conflicts\`.`,
                )
              : ""),
        );
      };

      if (ctx.values.watch !== true) {
        const synced = await services.sync(vault, { progress: progress.sink });
        progress.done();
        if (!synced.ok) throw syncFailure(synced.error);
        print(synced.value, false);
        return;
      }

      const controller = new AbortController();
      const stopListening = ctx.io.onInterrupt(() => controller.abort());
      ctx.out.note(`Watching ${vault.address}; Ctrl-C stops.`);
      try {
        const watched = await services.watch(vault, {
          progress: progress.sink,
          onSync: (report) => print(report, true),
          signal: controller.signal,
        });
        progress.done();
        if (!watched.ok) throw syncFailure(watched.error);
      } finally {
        stopListening();
      }
    });
  },
});
