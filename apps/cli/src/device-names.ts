/**
 * Device names for `history`: a synced account's devices as its server lists them (the names
 * their owners gave at sign-in). Without a server, or when it cannot be reached, devices are shown
 * by id; this device is always "this device".
 */

import type { Vault } from "@keypears/vault";
import type { CommandContext } from "./command.ts";

export const deviceNamer = async (
  ctx: CommandContext,
  vault: Vault,
): Promise<(device: string) => string> => {
  const names = new Map<string, string>();
  if (!vault.localOnly) {
    const services = await ctx.syncServices();
    const devices = await services.devices(vault);
    if (devices.ok)
      for (const device of devices.value)
        if (device.name !== null) names.set(device.id, device.name);
  }
  return (device) => {
    const name = names.get(device);
    if (device === vault.deviceId)
      return name === undefined ? "this device" : `${name} (this device)`;
    return name ?? `device ${device}`;
  };
};
