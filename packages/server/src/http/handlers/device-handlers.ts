/** The device routes: list, rename, revoke, register this device's keys, approve a pending one. */

import type { DeviceId } from "@keypears/sync-core";
import { approveDevice, setDeviceKeys } from "../../accounts/approval.ts";
import { type Device, listDevices, renameDevice, revokeDevice } from "../../accounts/devices.ts";
import type { Session } from "../../accounts/sessions.ts";
import { apiError } from "../api-error.ts";
import { authed } from "../implementer.ts";
import { b64, bytes } from "../wire-convert.ts";
import { requireApprovedDevice } from "./vault-access.ts";

const deviceToWire = (device: Device, session: Session) => ({
  id: device.id,
  name: device.name,
  createdAt: device.createdAt.toISOString(),
  lastSeenAt: device.lastSeenAt.toISOString(),
  revokedAt: device.revokedAt?.toISOString() ?? null,
  current: device.id === session.deviceId,
  approval: device.approval,
  approvedBy: device.approvedBy ?? null,
  signingKey: device.signingKey === undefined ? null : b64(device.signingKey),
  exchangeKey: device.exchangeKey === undefined ? null : b64(device.exchangeKey),
});

export const deviceHandlers = {
  list: authed.devices.list.handler(async ({ context: { app, session } }) => ({
    devices: (await listDevices(app, session.accountId)).map((d) => deviceToWire(d, session)),
  })),

  // A pending device may not change the roster the server enforces.
  rename: authed.devices.rename.handler(async ({ input, context: { app, session } }) => {
    requireApprovedDevice(session);
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
    requireApprovedDevice(session);
    const result = await revokeDevice(app, session.accountId, input.deviceId as DeviceId);
    if (!result.ok) throw apiError("NOT_FOUND", { message: "No such device in this account." });
    // Other processes drop it on the NOTIFY; this one at once, before it answers.
    app.sessionCache.endDevice(session.accountId, input.deviceId as DeviceId);
    return deviceToWire(result.value, session);
  }),

  setKeys: authed.devices.setKeys.handler(async ({ input, context: { app, session } }) => {
    const result = await setDeviceKeys(app, session.accountId, session.deviceId, {
      signingKey: bytes(input.signingKey),
      exchangeKey: bytes(input.exchangeKey),
    });
    if (!result.ok) throw apiError("DEVICE_KEYS_SET");
    return { ok: true as const };
  }),

  approve: authed.devices.approve.handler(async ({ input, context: { app, session } }) => {
    requireApprovedDevice(session);
    const result = await approveDevice(
      app,
      session.accountId,
      session.deviceId,
      input.deviceId as DeviceId,
    );
    if (result.ok) {
      // Its cached sessions still say pending: this process forgets them now; other processes'
      // caches hold them at most the cache's few seconds (session-cache.ts).
      app.sessionCache.endDevice(session.accountId, input.deviceId as DeviceId);
      return deviceToWire(result.value, session);
    }
    throw apiError("NOT_FOUND", {
      message:
        result.error.kind === "device-not-found"
          ? "No such device in this account."
          : `Device ${input.deviceId} is not waiting for approval (it is ${result.error.device.revokedAt === undefined ? result.error.device.approval : "revoked"}).`,
    });
  }),
};
