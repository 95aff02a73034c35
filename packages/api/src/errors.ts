/**
 * The typed errors of the API, one per way a request can fail, each with its HTTP status and a
 * message that helps the caller. Error data carries positions, ids and limits, never secrets.
 */

import { z } from "zod";
import { checkpointSchema, eventIdSchema } from "./wire.ts";

export const apiErrors = {
  UNAUTHORIZED: {
    status: 401,
    message: "Sign in first: the session token is missing, expired or revoked.",
  },
  INVALID_CREDENTIALS: {
    status: 401,
    message: "The address or the credentials are wrong.",
  },
  DEVICE_REVOKED: {
    status: 403,
    message: "This device was revoked for this account; sign in from a new device id.",
  },
  DEVICE_PENDING: {
    status: 403,
    message:
      "This account requires that a new device be approved on an existing one; run `keypears devices approve` there.",
    data: z.object({ deviceId: z.string() }),
  },
  DEVICE_KEYS_SET: {
    status: 409,
    message: "This device registered other public keys already; they never change.",
  },
  WRONG_SIGNER: {
    status: 403,
    message: "A payload is signed by another device than this session's; nothing was stored.",
    data: z.object({ signer: z.string(), id: eventIdSchema.optional() }),
  },
  UNSIGNED_PAYLOAD: {
    status: 400,
    message: "A payload is not a well-formed version-2 signed payload; nothing was stored.",
    data: z.object({ detail: z.string(), id: eventIdSchema.optional() }),
  },
  PROTOCOL_MISMATCH: {
    status: 400,
    message: "The client and the server speak different KeyPears protocol versions.",
    data: z.object({ server: z.int(), client: z.int(), id: eventIdSchema.optional() }),
  },
  FORBIDDEN: {
    status: 403,
    message: "This vault belongs to another account.",
  },
  NOT_FOUND: {
    status: 404,
    message: "Not found.",
  },
  WRONG_DOMAIN: {
    status: 400,
    message: "This server only holds accounts of its own domain.",
    data: z.object({ domain: z.string() }),
  },
  VAULT_SET_MISMATCH: {
    status: 400,
    message: "Send a rewrapped key for every vault of the account, and no others.",
  },
  ADDRESS_TAKEN: {
    status: 409,
    message: "An account with this address already exists.",
  },
  WRAPPED_KEY_CHANGED: {
    status: 409,
    message:
      "The vault's wrapped key changed since this device read it (a password change on another device): sign in again with the current password, then retry.",
  },
  VAULT_EXISTS: {
    status: 409,
    message: "A vault with this id already exists.",
  },
  ID_REUSED: {
    status: 409,
    message: "An event id is already in this vault with a different payload; nothing was stored.",
    data: z.object({ id: eventIdSchema }),
  },
  CHAIN_MISMATCH: {
    status: 409,
    message: "The snapshot's chain hash is not this vault's chain hash at that position.",
    data: z.object({ position: z.int() }),
  },
  PRUNED: {
    status: 410,
    message: "Events at and before this position were pruned; start from the latest snapshot.",
    data: z.object({ prunedThrough: z.int(), snapshot: checkpointSchema.nullable() }),
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: "The request is larger than this server accepts.",
    // `id`: the event that is too large, when one is (the client sets it aside and sends the rest).
    data: z.object({
      limit: z.int(),
      unit: z.enum(["bytes", "events"]),
      id: eventIdSchema.optional(),
    }),
  },
  QUOTA_EXCEEDED: {
    status: 413,
    message: "This account has reached a quota of this server.",
    data: z.object({
      quota: z.enum(["storage"]),
      limit: z.int(),
      unit: z.enum(["bytes"]),
      used: z.int(),
    }),
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    message: "Too many attempts; wait before trying again.",
    data: z.object({ retryAfterSeconds: z.int() }),
  },
  UNAVAILABLE: {
    status: 503,
    message: "The server cannot reach its database; try again later.",
  },
} as const;

export type ApiErrorCode = keyof typeof apiErrors;
