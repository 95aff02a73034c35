/** `keypears status`: the account, its server, the last sync, the verified position and pending changes. */

import { bytesToHex } from "@keypears/base";
import { agentStatusJson, agentStatusRow } from "../agent/status-row.ts";
import { defineCommand } from "../command.ts";
import { isoTime, localTime, plural } from "../format.ts";
import { describeRejected, rejectedJson } from "../rejected-output.ts";
import { warnAboutProblems, withVault } from "../session.ts";
import { newDeviceNotices, ownApprovalCode } from "../device-notices.ts";

export const command = defineCommand({
  usage: "status",
  description: `
Shows the account and this device, the items, and sync state: the last sync, the log position
this device has verified, and this device's changes by state (pending: saved here, not sent
yet; sent: sent, no answer yet; ordered: given a position by the server, not yet pulled back and
verified; rejected: refused by the server for good, set aside until you edit the item or drop
the change; verified: in the verified log). Each rejected change is listed with its item and the
reason. For a synced account it also asks the server how far ahead it is; a server that is down
is reported, not an error. "Up to date" means nothing to receive and nothing waiting to be sent.`,
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
      const refused = vault.localOnly ? [] : vault.sync.rejected();
      const quarantined = vault.localOnly ? [] : vault.sync.quarantined();
      const roster = vault.localOnly ? [] : vault.sync.roster();
      const fingerprint = vault.localOnly ? undefined : vault.sync.fingerprint();
      const news = vault.localOnly ? undefined : newDeviceNotices(vault);
      const approval = vault.localOnly ? undefined : vault.sync.approvalSetting();
      const awaiting =
        !vault.localOnly &&
        vault.sync.awaitingApproval() &&
        !roster.some((e) => e.deviceId === vault.deviceId && e.enrolledAt !== null);
      const waiting = sync.pending + sync.sent + sync.ordered;
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
            rejected: sync.rejected,
            verified: sync.verifiedEvents,
          },
          rejected: refused.map(rejectedJson),
          quarantined: quarantined.map((q) => ({
            position: q.position,
            id: q.id,
            reason: q.reason,
            detail: q.detail,
          })),
          fingerprint: fingerprint ?? null,
          roster: roster.map((e) => ({
            deviceId: e.deviceId,
            name: e.name,
            enrolledAt: e.enrolledAt,
            via: e.via === "self" ? "recovery kit" : "approved",
            revokedAt: e.revokedAt,
          })),
          newDevices: news?.notices.map((n) => n.text) ?? [],
          approval: {
            requiredInLog: approval === "unknown" ? null : (approval?.required ?? false),
            awaitingApproval: awaiting,
            code: awaiting ? ownApprovalCode(vault) : null,
          },
          remote,
          remoteError,
          agent: await agentStatusJson(ctx),
        });
        news?.markSeen();
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
          `${sync.pending} pending, ${sync.sent} sent, ${sync.ordered} ordered, ${sync.verifiedEvents} verified in the log` +
            (sync.rejected > 0 ? style.red(`, ${sync.rejected} rejected`) : ""),
        ]);
        rows.push([
          "Fingerprint",
          fingerprint === undefined
            ? "not yet (this device started from a snapshot after the last checkpoint)"
            : `${fingerprint.code} at position ${fingerprint.position} (another device showing the same code at the same position holds the same history)`,
        ]);
        const active = roster.filter((e) => e.enrolledAt !== null && e.revokedAt === null);
        const revoked = roster.filter((e) => e.revokedAt !== null).length;
        rows.push([
          "Devices",
          roster.length === 0
            ? "no roster in the log yet (it starts at this device's next sync)"
            : `${plural(active.length, "device")} in the log${revoked > 0 ? `, ${revoked} revoked` : ""}: ${active.map((e) => e.name).join(", ")}`,
        ]);
        rows.push([
          "Approval",
          awaiting
            ? style.yellow(
                `this device waits for approval: on a device already signed in, run \`keypears devices approve ${vault.deviceId} --code ${ownApprovalCode(vault)}\``,
              )
            : approval === "unknown"
              ? "unknown to this device (it started from an older snapshot that does not carry the setting)"
              : approval?.required === true
                ? `new devices must be approved on an existing one (set in the log at position ${approval.position})`
                : "not required for new devices",
        ]);
        if (quarantined.length > 0)
          rows.push([
            "Set aside",
            style.yellow(
              `${plural(quarantined.length, "event")} failed its checks and was not applied (positions ${quarantined.map((q) => `${q.position}: ${q.reason}`).join(", ")}); sync goes on`,
            ),
          ]);
        rows.push([
          "Remote",
          remote === null
            ? style.yellow(`not reachable: ${remoteError ?? "unknown"}`)
            : remoteSummary(remote.behind, waiting, sync.rejected),
        ]);
      }
      rows.push(await agentStatusRow(ctx));
      for (const notice of news?.notices ?? []) ctx.out.line(style.yellow(notice.text));
      news?.markSeen();
      for (const [label, value] of rows) ctx.out.line(`${style.bold(label.padEnd(10))} ${value}`);
      for (const change of refused)
        ctx.out.line(style.red(`Rejected: ${describeRejected(change)}`));
    }),
});

/** Never "up to date" while this device has changes waiting or set aside. */
const remoteSummary = (behind: number, waiting: number, rejected: number): string => {
  const parts: string[] = [];
  if (behind > 0) parts.push(`${plural(behind, "change")} to receive`);
  if (waiting > 0) parts.push(`${plural(waiting, "change")} of this device not yet synced`);
  if (parts.length > 0) return `${parts.join(", ")}: run \`keypears sync\``;
  if (rejected > 0)
    return `${plural(rejected, "change")} refused by the server (see below); everything else is synced`;
  return "up to date";
};
