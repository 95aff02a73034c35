/** The device routes: list, rename, revoke. */

import type { DeviceId } from "@keypears/sync-core";
import { type Device, listDevices, renameDevice, revokeDevice } from "../../accounts/devices.ts";
import type { Session } from "../../accounts/sessions.ts";
import { apiError } from "../api-error.ts";
import { authed } from "../implementer.ts";

const deviceToWire = (device: Device, session: Session) => ({
  id: device.id,
  name: device.name,
  createdAt: device.createdAt.toISOString(),
  lastSeenAt: device.lastSeenAt.toISOString(),
  revokedAt: device.revokedAt?.toISOString() ?? null,
  current: device.id === session.deviceId,
});

export const deviceHandlers = {
  list: authed.devices.list.handler(async ({ context: { app, session } }) => ({
    devices: (await listDevices(app, session.accountId)).map((d) => deviceToWire(d, session)),
  })),

  rename: authed.devices.rename.handler(async ({ input, context: { app, session } }) => {
    const result = await renameDevice(
      app,
      session.accountId,
      input.deviceId as DeviceId,
      input.name,
    );
    if (!result.ok) throw apiError("NOT_FOUND", { message: "No such device in this account." });
    return deviceToWire(result.value, session);
  }),

  revoke: authed.devices.revoke.handler(async ({ input, context: { app, session } }) => {
    const result = await revokeDevice(app, session.accountId, input.deviceId as DeviceId);
    if (!result.ok) throw apiError("NOT_FOUND", { message: "No such device in this account." });
    // Other processes drop it on the NOTIFY; this one at once, before it answers.
    app.sessionCache.endDevice(session.accountId, input.deviceId as DeviceId);
    return deviceToWire(result.value, session);
  }),
};
