/** Snapshot routes: store and fetch a vault's encrypted snapshot, anchored to a chain checkpoint. */

import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { MAX_SNAPSHOT_BYTES } from "../protocol.ts";
import { bytesSchema, hashSchema, timestampSchema, vaultIdSchema } from "../wire.ts";
import { sessionRoute } from "./base.ts";

export const snapshotPayloadSchema = bytesSchema("Encrypted snapshot", 1, MAX_SNAPSHOT_BYTES);

export const snapshotInfoSchema = z.object({
  position: z.int().min(1),
  chainHash: hashSchema,
  size: z.int().min(1),
  createdAt: timestampSchema,
});

const snapshotRoute = sessionRoute.errors({
  FORBIDDEN: apiErrors.FORBIDDEN,
  NOT_FOUND: apiErrors.NOT_FOUND,
});
const tag = { tags: ["snapshots"] } as const;

export const snapshotRoutes = {
  put: snapshotRoute
    .errors({
      CHAIN_MISMATCH: apiErrors.CHAIN_MISMATCH,
      PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/snapshots",
      successStatus: 201,
      summary: "Store an encrypted snapshot of the vault as of a position of its chain",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        position: z.int().min(1),
        chainHash: hashSchema,
        payload: snapshotPayloadSchema,
      }),
    )
    .output(snapshotInfoSchema),

  latest: snapshotRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/snapshots/latest",
      summary: "The vault's latest snapshot",
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(snapshotInfoSchema.extend({ payload: snapshotPayloadSchema })),
};
