/** `keypears devices [rename <id> <name> | revoke <id>]`: the devices of a synced account. */

import { resolveDeviceId } from "../device-ref.ts";
import { CliError, syncFailure, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { isoTime, localTime } from "../format.ts";
import { withVault } from "../session.ts";
import type { DeviceInfo } from "../sync-services.ts";
import { requireSynced } from "../synced.ts";

const deviceJson = (device: DeviceInfo, thisDevice: string) => ({
  id: device.id,
  name: device.name,
  current: device.id === thisDevice,
  revoked: device.revoked,
  createdAt: isoTime(device.createdAt),
  lastSeenAt: device.lastSeenAt === null ? null : isoTime(device.lastSeenAt),
});

export const command = defineCommand({
  usage: "devices [rename <id> <name> | revoke <id>]",
  description: `
Lists the devices that hold a synced account, as its server knows them. \`rename\` names one;
\`revoke\` shuts one out (a lost laptop): it can no longer read or write through the server.
Revoking does not erase what the device already holds; change the master password too if you
fear someone can unlock it.`,
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
        if (ctx.json) ctx.out.data(deviceJson(changed.value, vault.deviceId));
        else
          ctx.out.line(
            action === "rename"
              ? `Renamed device ${deviceId} to "${changed.value.name ?? ""}".`
              : `Revoked device ${deviceId}: it can no longer sync this account.`,
          );
        return;
      }
      const listed = await services.devices(vault);
      if (!listed.ok) throw syncFailure(listed.error);
      if (ctx.json) {
        ctx.out.data(listed.value.map((d) => deviceJson(d, vault.deviceId)));
        return;
      }
      ctx.out.table(
        ["ID", "NAME", "ADDED", "LAST SEEN", "STATE"],
        listed.value.map((d) => [
          d.id,
          d.name ?? "",
          localTime(d.createdAt),
          d.lastSeenAt === null ? "never" : localTime(d.lastSeenAt),
          d.revoked ? "revoked" : d.id === vault.deviceId ? "this device" : "active",
        ]),
      );
    });
  },
});
