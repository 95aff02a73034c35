/** Device routes: list the account's devices, rename one, revoke one (its sessions end at once). */

import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { deviceIdSchema, deviceNameSchema, timestampSchema } from "../wire.ts";
import { sessionRoute } from "./base.ts";

export const deviceSchema = z.object({
  id: deviceIdSchema,
  name: z.string(),
  createdAt: timestampSchema,
  lastSeenAt: timestampSchema,
  revokedAt: timestampSchema.nullable(),
  current: z.boolean().describe("True for the device of the session asking"),
});
export type WireDevice = z.infer<typeof deviceSchema>;

const tag = { tags: ["devices"] } as const;

export const deviceRoutes = {
  list: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/devices",
      summary: "The account's devices",
      description:
        "Every device that signed in to the account, revoked ones included, with `current` marking the device of this session.",
    })
    .output(z.object({ devices: z.array(deviceSchema) })),

  rename: sessionRoute
    .errors({ NOT_FOUND: apiErrors.NOT_FOUND })
    .route({
      ...tag,
      method: "PATCH",
      path: "/devices/{deviceId}",
      summary: "Rename a device",
      description: "Changes the name the user gave a device of this account.",
    })
    .input(z.object({ deviceId: deviceIdSchema, name: deviceNameSchema }))
    .output(deviceSchema),

  revoke: sessionRoute
    .errors({ NOT_FOUND: apiErrors.NOT_FOUND })
    .route({
      ...tag,
      method: "POST",
      path: "/devices/{deviceId}/revoke",
      summary: "Revoke a device: its sessions fail from now on, and it cannot sign in again",
      description:
        "Revokes a device of this account: its sessions are deleted in the same transaction, its open streams end, and sign-in with its device id is refused (DEVICE_REVOKED). A revoked device no longer holds pruning back.",
    })
    .input(z.object({ deviceId: deviceIdSchema }))
    .output(deviceSchema),
};
