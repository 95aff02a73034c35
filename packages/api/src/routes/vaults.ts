/**
 * Vault routes: the account's vaults, and each vault's log: push a batch, pull pages after a
 * position, read the head, follow the head as it moves, and prune what every device has passed.
 */

import { eventIterator } from "@orpc/contract";
import { z } from "zod";
import { apiErrors } from "../errors.ts";
import {
  DEFAULT_PULL_LIMIT,
  MAX_EVENT_PAYLOAD_BYTES,
  MAX_EVENTS_PER_PUSH,
  MAX_PULL_LIMIT,
} from "../protocol.ts";
import {
  bytesSchema,
  checkpointSchema,
  eventIdSchema,
  hashSchema,
  positionQuerySchema,
  vaultIdSchema,
  wrappedVaultKeySchema,
} from "../wire.ts";
import { sessionRoute } from "./base.ts";

export const payloadSchema = bytesSchema("Encrypted event", 0, MAX_EVENT_PAYLOAD_BYTES);

export const pushedEventSchema = z.object({
  id: eventIdSchema,
  position: z.int().min(1),
  chainHash: hashSchema,
  duplicate: z.boolean().describe("True when the id was already stored with the same payload"),
});

export const pulledEventSchema = z.object({
  id: eventIdSchema,
  payload: payloadSchema,
  position: z.int().min(1),
  chainHash: hashSchema,
});

export const pullPageSchema = z.object({
  anchor: checkpointSchema.describe(
    "The server's checkpoint at `after` (its head when `after` is past the head): compare it with your own",
  ),
  events: z.array(pulledEventSchema),
  head: checkpointSchema,
});
export type WirePullPage = z.infer<typeof pullPageSchema>;

export const vaultSummarySchema = z.object({
  vaultId: vaultIdSchema,
  wrappedVaultKey: wrappedVaultKeySchema,
  head: checkpointSchema,
});

const vaultRoute = sessionRoute.errors({
  FORBIDDEN: apiErrors.FORBIDDEN,
  NOT_FOUND: apiErrors.NOT_FOUND,
});
const tag = { tags: ["vaults"] } as const;

export const vaultRoutes = {
  list: sessionRoute
    .route({ ...tag, method: "GET", path: "/vaults", summary: "The account's vaults" })
    .output(z.object({ vaults: z.array(vaultSummarySchema) })),

  create: sessionRoute
    .errors({ VAULT_EXISTS: apiErrors.VAULT_EXISTS })
    .route({
      ...tag,
      method: "POST",
      path: "/vaults",
      successStatus: 201,
      summary: "Add a vault to the account",
    })
    .input(z.object({ vaultId: vaultIdSchema, wrappedVaultKey: wrappedVaultKeySchema }))
    .output(vaultSummarySchema),

  push: vaultRoute
    .errors({ ID_REUSED: apiErrors.ID_REUSED, PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE })
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/events",
      summary: "Append a batch of encrypted events, atomically; idempotent by event id",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        events: z
          .array(z.object({ id: eventIdSchema, payload: payloadSchema }))
          .max(MAX_EVENTS_PER_PUSH),
      }),
    )
    .output(z.object({ events: z.array(pushedEventSchema), head: checkpointSchema })),

  pull: vaultRoute
    .errors({ PRUNED: apiErrors.PRUNED })
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/events",
      summary: "Events after a position, in order, with the anchor and the head",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        after: positionQuerySchema.default(0),
        limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
      }),
    )
    .output(pullPageSchema),

  head: vaultRoute
    .route({ ...tag, method: "GET", path: "/vaults/{vaultId}/head", summary: "The vault's head" })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(checkpointSchema),

  stream: vaultRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/stream",
      summary: "Server-sent events: the head now, then every time it moves",
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(eventIterator(checkpointSchema)),

  prune: vaultRoute
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/prune",
      summary: "Drop the payloads of events every active device has passed and a snapshot covers",
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(
      z.object({
        prunedThrough: z.int().min(0),
        eventsPruned: z.int().min(0),
        snapshot: checkpointSchema.nullable(),
      }),
    ),
};
