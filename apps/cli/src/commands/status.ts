/** `keypears status`: the account, its server, the last sync, the verified position and pending changes. */

import { bytesToHex } from "@keypears/base";
import { defineCommand } from "../command.ts";
import { isoTime, localTime, plural } from "../format.ts";
import { warnAboutProblems, withVault } from "../session.ts";

export const command = defineCommand({
  usage: "status",
  description: `
Shows the account and this device, the items, and sync state: the last sync, the log position
this device has verified, and this device's changes by state (pending: saved here, not sent
yet; sent: sent, no answer yet; ordered: given a position by the server, not yet pulled back and
verified; verified: in the verified log). For a synced account
it also asks the server how far ahead it is; a server that is down is reported, not an error.`,
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["keypears status", "keypears status --json"],
  run: async (ctx) =>
    withVault(ctx, async (vault) => {
      const problems = warnAboutProblems(ctx, vault);
      const sync = vault.sync.status();
      const live = vault.list().length;
      const trashed = vault.list({ trash: true }).length;
      const conflicts = vault.conflicts().length;
      let remote: { headPosition: number; behind: number } | null = null;
      let remoteError: string | null = null;
      if (!vault.localOnly) {
        const services = await ctx.syncServices();
        const status = await services.status(vault);
        if (status.ok)
          remote = {
            headPosition: status.value.headPosition,
            behind: Math.max(0, status.value.headPosition - sync.verified.position),
          };
        else remoteError = status.error.message;
      }
      if (ctx.json) {
        ctx.out.data({
          account: vault.address,
          localOnly: vault.localOnly,
          serverUrl: vault.serverUrl,
          vaultId: vault.vaultId,
          deviceId: vault.deviceId,
          items: { live, trashed, conflicts, problems },
          lastSyncAt: sync.lastSyncAt === null ? null : isoTime(sync.lastSyncAt),
          verified: { position: sync.verified.position, hash: bytesToHex(sync.verified.hash) },
          changes: {
            pending: sync.pending,
            sent: sync.sent,
            ordered: sync.ordered,
            verified: sync.verifiedEvents,
          },
          remote,
          remoteError,
        });
        return;
      }
      const { style } = ctx.out;
      const rows: [string, string][] = [
        ["Account", `${vault.address}${vault.localOnly ? " (local only: never syncs)" : ""}`],
        ["Server", vault.serverUrl ?? "none"],
        ["Device", vault.deviceId],
        [
          "Items",
          `${live} live, ${trashed} in the trash, ${plural(conflicts, "conflict")}${problems > 0 ? style.red(`, ${problems} damaged`) : ""}`,
        ],
      ];
      if (!vault.localOnly) {
        rows.push(["Last sync", sync.lastSyncAt === null ? "never" : localTime(sync.lastSyncAt)]);
        rows.push([
          "Verified",
          `up to position ${sync.verified.position} (chain ${bytesToHex(sync.verified.hash).slice(0, 16)})`,
        ]);
        rows.push([
          "Changes",
          `${sync.pending} pending, ${sync.sent} sent, ${sync.ordered} ordered, ${sync.verifiedEvents} verified in the log`,
        ]);
        rows.push([
          "Remote",
          remote !== null
            ? remote.behind === 0
              ? "up to date"
              : `${plural(remote.behind, "change")} to receive: run \`keypears sync\``
            : style.yellow(`not reachable: ${remoteError ?? "unknown"}`),
        ]);
      }
      for (const [label, value] of rows) ctx.out.line(`${style.bold(label.padEnd(10))} ${value}`);
    }),
});
