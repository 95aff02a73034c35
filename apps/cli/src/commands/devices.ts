/** `keypears devices [rename <id> <name> | revoke <id>]`: the devices of a synced account. */

import { resolveDeviceId } from "../device-ref.ts";
import { CliError, syncFailure, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { isoTime, localTime } from "../format.ts";
import { withVault } from "../session.ts";
import type { DeviceInfo } from "../sync-services.ts";
import type { DeviceId, RosterEntry } from "@keypears/sync-core";
import { requireSynced } from "../synced.ts";

/** What this device verified in the vault's own log about a device (docs/PROTOCOL.md 16.4). */
const rosterJson = (entry: RosterEntry | undefined) =>
  entry === undefined
    ? null
    : {
        enrolledAt: entry.enrolledAt,
        enrolledAtTime: isoTime(entry.enrolledAtMs),
        via: entry.via === "self" ? "recovery kit" : "approved",
        approvedBy: entry.approvedBy,
        revokedAt: entry.revokedAt,
      };

const deviceJson = (device: DeviceInfo, thisDevice: string, entry?: RosterEntry) => ({
  id: device.id,
  name: device.name,
  current: device.id === thisDevice,
  revoked: device.revoked,
  createdAt: isoTime(device.createdAt),
  lastSeenAt: device.lastSeenAt === null ? null : isoTime(device.lastSeenAt),
  roster: rosterJson(entry),
});

/** The roster column: enrolled where and how, or revoked, as verified in the log. */
const rosterCell = (entry: RosterEntry | undefined): string => {
  if (entry === undefined) return "not in the log";
  if (entry.revokedAt !== null) return `revoked at ${entry.revokedAt}`;
  if (entry.enrolledAt === null) return "enrolling (next sync)";
  return `at ${entry.enrolledAt}, ${entry.via === "self" ? "recovery kit" : `approved by ${entry.approvedBy ?? "?"}`}`;
};

export const command = defineCommand({
  usage: "devices [rename <id> <name> | revoke <id>]",
  description: `
Lists the devices that hold a synced account, as its server knows them, beside what this device
verified in the vault's own log (where each enrolled, with the recovery kit or approved by
another device, and where it was revoked). \`rename\` names one; \`revoke\` shuts one out (a
lost laptop): the server refuses it, and the revocation is signed into the log, so every device
refuses its later events even from a server that does not. Revoking does not erase what the
device already holds; change the master password too if you fear someone can unlock it.`,
  options: {},
  positionals: { min: 0, max: 3 },
  examples: [
    "keypears devices",
    "keypears devices rename 0a1b2c3d4e5f6071 'work laptop'",
    "keypears devices revoke 0a1b2c3d4e5f6071",
  ],
  run: async (ctx) => {
    const [action, id, name] = ctx.positionals;
    if (action !== undefined && action !== "rename" && action !== "revoke")
      throw usageError(`unknown devices action "${action}" (rename or revoke)`, "devices");
    if (action === "rename" && (id === undefined || name === undefined || name.trim() === ""))
      throw usageError("usage: keypears devices rename <id> <name>", "devices");
    if (action === "revoke" && (id === undefined || name !== undefined))
      throw usageError("usage: keypears devices revoke <id>", "devices");
    if (action === undefined && ctx.positionals.length > 0)
      throw usageError("unexpected argument", "devices");
    requireSynced(ctx, "devices to manage");
    return withVault(ctx, async (vault) => {
      const services = await ctx.syncServices();
      if (action === "rename" || action === "revoke") {
        const deviceId = await resolveDeviceId(services, vault, id as string);
        if (action === "revoke" && deviceId === vault.deviceId)
          throw new CliError("that is this device; revoke it from another device");
        const changed =
          action === "rename"
            ? await services.renameDevice(vault, deviceId, (name as string).trim())
            : await services.revokeDevice(vault, deviceId);
        if (!changed.ok) throw syncFailure(changed.error);
        // The server's table is its access-control copy; the roster in the log is what every
        // device verifies. The change is signed here and reaches the others at the next sync.
        const signed = vault.sync.writeRosterEvent(
          action === "rename"
            ? { kind: "rename", deviceId: deviceId as DeviceId, name: (name as string).trim() }
            : { kind: "revoke", deviceId: deviceId as DeviceId },
        );
        const inLog = signed.ok
          ? " Signed into the vault's log: every device will know at its next sync."
          : ` Not in the vault's log (${signed.error.kind === "roster-rule" ? signed.error.detail : "this device is not enrolled yet: run keypears sync"}).`;
        if (ctx.json)
          ctx.out.data({ ...deviceJson(changed.value, vault.deviceId), signedInLog: signed.ok });
        else
          ctx.out.line(
            (action === "rename"
              ? `Renamed device ${deviceId} to "${changed.value.name ?? ""}".`
              : `Revoked device ${deviceId}: it can no longer sync this account, and its later events are refused by every device.`) +
              inLog,
          );
        return;
      }
      const listed = await services.devices(vault);
      if (!listed.ok) throw syncFailure(listed.error);
      const roster = new Map(vault.sync.roster().map((e) => [e.deviceId as string, e]));
      if (ctx.json) {
        ctx.out.data(listed.value.map((d) => deviceJson(d, vault.deviceId, roster.get(d.id))));
        return;
      }
      ctx.out.table(
        ["ID", "NAME", "ADDED", "LAST SEEN", "STATE", "IN THE LOG"],
        listed.value.map((d) => [
          d.id,
          d.name ?? "",
          localTime(d.createdAt),
          d.lastSeenAt === null ? "never" : localTime(d.lastSeenAt),
          d.revoked ? "revoked" : d.id === vault.deviceId ? "this device" : "active",
          rosterCell(roster.get(d.id)),
        ]),
      );
    });
  },
});
