/** `keypears sync [--watch]`: push, pull and verify through the account's server. */

import { terminalSafeJson } from "../terminal-safe.ts";
import { CliError, syncFailure, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { isoTime, plural } from "../format.ts";
import { createProgressLine } from "../progress.ts";
import { describeRejected, rejectedJson } from "../rejected-output.ts";
import { withVault } from "../session.ts";
import type { SyncReport } from "../sync-services.ts";
import { requireSynced, syncReportJson } from "../synced.ts";
import { followSessionEnd } from "../password-changed.ts";
import { publishEpochKeys } from "../epoch-keys.ts";
import type { Vault } from "@keypears/vault";

export const command = defineCommand({
  usage: "sync [--watch] [--drop-rejected <change-id>]",
  description: `
Sends this device's changes, receives everyone else's, and verifies the server's log against
this device's hash chain (a server that forks or rewrites history is caught). Changes are
always saved locally first, so a server that is down loses nothing: sync again later.

--watch syncs, then stays connected until Ctrl-C: it applies other devices' changes as they
happen, and sends this device's at once, including edits made by keypears in another terminal.
With --json it prints one JSON object per line, one for each round that moved something.

A change the server refuses for good (too large, invalid) is set aside as rejected, and the rest
syncs; sync names the item and the reason, and exits 1 while any is set aside. Edit the item to
fix it, or give the change up with --drop-rejected (the change id that sync and status show):
it leaves the item's current state and stays in this device's history.

When the master password was changed on another device, sync says so and asks for the new one
(KEYPEARS_NEW_PASSWORD, or line 2 of --password-stdin, for scripts): unlock with the password
this device last used; its Secret Key stays on it. From then on only the new password opens it.`,
  options: {
    watch: { type: "boolean", description: "stay live until Ctrl-C" },
    "drop-rejected": {
      type: "string",
      description: "give up a change the server refused (its id, or a unique prefix), then sync",
    },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears sync",
    "keypears sync --watch",
    "keypears sync --json",
    "keypears sync --drop-rejected 01a24889-b775",
  ],
  run: async (ctx) => {
    requireSynced(ctx, "server to sync with");
    return withVault(
      ctx,
      async (opened, password) => {
        // Replaced when the password was changed on another device and this one follows it.
        let vault: Vault = opened;
        try {
          const dropRef = ctx.values["drop-rejected"];
          if (typeof dropRef === "string") {
            const dropped = vault.sync.dropRejected(dropRef);
            if (!dropped.ok) throw vaultFailure(dropped.error);
            const { title, itemId } = dropped.value;
            ctx.out.note(
              `Dropped the rejected change ${dropped.value.id} to ${title === null ? `item ${itemId}` : `"${title}"`}; it stays in this device's history.`,
            );
          }
          const services = await ctx.syncServices();
          const progress = createProgressLine(ctx.io, ctx.json);
          const print = (report: SyncReport, compact: boolean) => {
            progress.done();
            if (report.snapshotNotice !== undefined) ctx.out.warn(report.snapshotNotice);
            if (ctx.json) {
              const data = {
                account: vault.address,
                at: isoTime(Date.now()),
                ...syncReportJson(report),
                rejected: vault.sync.rejected().map(rejectedJson),
              };
              ctx.io.stdout.write(
                `${terminalSafeJson(JSON.stringify(data, null, compact ? undefined : 2))}\n`,
              );
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
            let synced = await services.sync(vault, { progress: progress.sink });
            if (!synced.ok && synced.error.kind === "session-ended") {
              progress.done();
              vault = await followSessionEnd(ctx, services, vault, password, synced.error);
              synced = await services.sync(vault, { progress: progress.sink });
            }
            progress.done();
            if (!synced.ok) throw syncFailure(synced.error);
            print(synced.value, false);
            // After a rotation this device verified (a revocation here or elsewhere), the server
            // needs the new key wrapped under the password for devices that sign in later.
            const published = await publishEpochKeys(services, vault, password);
            if (published.kind === "failed")
              ctx.out.warn(
                `the new vault key could not be sent to the server yet (${published.message}); the next sync tries again`,
              );
            const refused = vault.sync.rejected();
            for (const change of refused) ctx.out.warn(describeRejected(change));
            if (refused.length > 0)
              throw new CliError(
                `${plural(refused.length, "change")} could not be sent; everything else is synced`,
              );
            return;
          }

          const controller = new AbortController();
          const stopListening = ctx.io.onInterrupt(() => controller.abort());
          ctx.out.note(`Watching ${vault.address}; Ctrl-C stops.`);
          try {
            for (;;) {
              const watched = await services.watch(vault, {
                progress: progress.sink,
                onSync: (report) => {
                  print(report, true);
                  if ((report.rejected ?? 0) > 0)
                    for (const change of vault.sync.rejected())
                      ctx.out.warn(describeRejected(change));
                },
                signal: controller.signal,
              });
              progress.done();
              if (watched.ok) return;
              if (watched.error.kind !== "session-ended") throw syncFailure(watched.error);
              // The password was changed on another device: follow it, then watch on.
              vault = await followSessionEnd(ctx, services, vault, password, watched.error);
            }
          } finally {
            stopListening();
          }
        } finally {
          if (vault !== opened) vault.lock();
        }
      },
      {
        wrongPasswordHint:
          "If the master password was changed on another device, give the one this device last used: sync then asks for the new one",
      },
    );
  },
});
