/** Snapshot routes: store and fetch a vault's encrypted snapshot, anchored to a chain checkpoint. */

import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { EVENT_FRAMES_MEDIA_TYPE } from "../event-frames.ts";
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
  TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
});
const tag = { tags: ["snapshots"] } as const;

/** What storing a snapshot may be refused with, as JSON or as frames. */
const putRoute = snapshotRoute.errors({
  CHAIN_MISMATCH: apiErrors.CHAIN_MISMATCH,
  PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
  QUOTA_EXCEEDED: apiErrors.QUOTA_EXCEEDED,
  UNSIGNED_PAYLOAD: apiErrors.UNSIGNED_PAYLOAD,
  WRONG_SIGNER: apiErrors.WRONG_SIGNER,
  PROTOCOL_MISMATCH: apiErrors.PROTOCOL_MISMATCH,
});

export const snapshotRoutes = {
  put: putRoute
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/snapshots",
      successStatus: 201,
      summary: "Store an encrypted snapshot of the vault as of a position of its chain",
      description:
        "Stores a client-made, encrypted snapshot of the vault (every item's merge state) as of a checkpoint of its chain. The server checks that the chain hash is its own at that position and stores the bytes as given, once it checked that they are a version-2 signed snapshot signed by this session's device (UNSIGNED_PAYLOAD, WRONG_SIGNER, PROTOCOL_MISMATCH otherwise; docs/PROTOCOL.md 16.8); a second snapshot at the same position replaces the first.",
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

  putFrames: putRoute
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/snapshots/frames",
      successStatus: 201,
      inputStructure: "detailed",
      summary: "Store an encrypted snapshot, as a binary body",
      description: `The snapshot upload (\`POST /vaults/{vaultId}/snapshots\`) with a binary body: a \`${EVENT_FRAMES_MEDIA_TYPE}\` body of kind 4 (the position, the chain hash and the sealed payload, without base64url: a third smaller, and no JSON string to parse; docs/PROTOCOL.md, "Binary bodies"). Same checks, limits, quotas, errors (JSON) and answer.`,
    })
    .input(
      z.object({
        params: z.object({ vaultId: vaultIdSchema }),
        body: z
          .file()
          .mime([EVENT_FRAMES_MEDIA_TYPE])
          .describe('The snapshot, as binary frames (docs/PROTOCOL.md, "Binary bodies")'),
      }),
    )
    .output(snapshotInfoSchema),

  latestFrames: snapshotRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/snapshots/latest/frames",
      summary: "The vault's latest snapshot, as a binary body",
      description: `The latest snapshot (\`GET /vaults/{vaultId}/snapshots/latest\`) as a \`${EVENT_FRAMES_MEDIA_TYPE}\` body of kind 4: its position, chain hash and sealed payload, without base64url (docs/PROTOCOL.md, "Binary bodies"). 404 when the vault has none.`,
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(
      z
        .file()
        .mime([EVENT_FRAMES_MEDIA_TYPE])
        .describe('The snapshot, as binary frames (docs/PROTOCOL.md, "Binary bodies")'),
    ),

  latest: snapshotRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/snapshots/latest",
      summary: "The vault's latest snapshot",
      description:
        "The snapshot at the highest position, with its payload; a new device starts from it and pulls the events after its position. 404 when the vault has none.",
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(snapshotInfoSchema.extend({ payload: snapshotPayloadSchema })),
};
