/**
 * Device routes: list the account's devices, rename one, revoke one (its sessions end at once),
 * register this device's public keys, and approve a pending device (docs/PROTOCOL.md 16.10).
 */

import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { bytesSchema, deviceIdSchema, deviceNameSchema, timestampSchema } from "../wire.ts";
import { sessionRoute } from "./base.ts";

const publicKeySchema = bytesSchema("Public key", 32, 32);

export const deviceSchema = z.object({
  id: deviceIdSchema,
  name: z.string(),
  createdAt: timestampSchema,
  lastSeenAt: timestampSchema,
  revokedAt: timestampSchema.nullable(),
  current: z.boolean().describe("True for the device of the session asking"),
  approval: z
    .enum(["approved", "pending", "recovery"])
    .describe(
      "approved: may sync; pending: waits for approval on an existing device; recovery: let in with the recovery kit because no other device was left",
    ),
  approvedBy: deviceIdSchema.nullable(),
  signingKey: publicKeySchema
    .nullable()
    .describe("The device's Ed25519 public key, once it sent it"),
  exchangeKey: publicKeySchema
    .nullable()
    .describe("The device's X25519 public key, once it sent it"),
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

  setKeys: sessionRoute
    .errors({ DEVICE_KEYS_SET: apiErrors.DEVICE_KEYS_SET })
    .route({
      ...tag,
      method: "PUT",
      path: "/devices/current/keys",
      summary: "Register this device's public keys",
      description:
        "Records the public halves of this device's Ed25519 and X25519 keys, so an existing device can show the same short approval code as this one (docs/PROTOCOL.md 16.10). Once recorded they never change: other keys are refused (DEVICE_KEYS_SET), the same keys again are accepted. A pending device may call it.",
    })
    .input(z.object({ signingKey: publicKeySchema, exchangeKey: publicKeySchema }))
    .output(z.object({ ok: z.literal(true) })),

  approve: sessionRoute
    .errors({ NOT_FOUND: apiErrors.NOT_FOUND, DEVICE_PENDING: apiErrors.DEVICE_PENDING })
    .route({
      ...tag,
      method: "POST",
      path: "/devices/{deviceId}/approve",
      summary: "Approve a pending device: it may sync from now on",
      description:
        "Called by a device that may sync, after it signed the pending device's enrolment into the vault's log: the pending device may read and write from now on. NOT_FOUND when no pending device of this account has that id; a pending device cannot approve (DEVICE_PENDING).",
    })
    .input(z.object({ deviceId: deviceIdSchema }))
    .output(deviceSchema),
};
