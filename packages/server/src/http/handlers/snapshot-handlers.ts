/** The snapshot routes: store one (its anchor checked against the chain), fetch the latest. */

import { decodeSnapshotFrames, encodeSnapshotFrames, EVENT_FRAMES_MEDIA_TYPE } from "@keypears/api";
import { ORPCError } from "@orpc/server";
import type { Session } from "../../accounts/sessions.ts";
import { requireOwnSignedSnapshot } from "../../events/signer-filter.ts";
import { latestSnapshot, putSnapshot } from "../../vaults/snapshots.ts";
import type { RequestContext } from "../context.ts";
import { apiError } from "../api-error.ts";
import { vaultAuthed } from "../implementer.ts";
import { b64, bytes } from "../wire-convert.ts";
import { requireStorage, withHeavySlot } from "../account-quotas.ts";
import { requireOwnVault } from "./vault-access.ts";

/** Stores a snapshot sent as JSON or as frames: the same checks, limits and answer for both. */
const storeSnapshot = async (
  context: RequestContext & { readonly session: Session },
  requestedVault: string,
  snapshot: {
    readonly position: number;
    readonly chainHash: Uint8Array;
    readonly payload: Uint8Array;
  },
) => {
  const { app } = context;
  const vaultId = await requireOwnVault(context, requestedVault);
  const { payload } = snapshot;
  if (payload.length > app.limits.maxSnapshotBytes) {
    throw apiError("PAYLOAD_TOO_LARGE", {
      message: `The snapshot is ${payload.length} bytes; the limit is ${app.limits.maxSnapshotBytes}.`,
      data: { limit: app.limits.maxSnapshotBytes, unit: "bytes" },
    });
  }
  const { accountId } = context.session;
  requireOwnSignedSnapshot(context.session, payload);
  const result = await withHeavySlot(app.quotas, accountId, async () => {
    await requireStorage(app.quotas, app.sql, accountId, payload.length);
    return putSnapshot(app, vaultId, snapshot);
  });
  if (!result.ok) {
    throw apiError("CHAIN_MISMATCH", {
      message: `Position ${snapshot.position} of this vault does not have that chain hash (or is past the head).`,
      data: { position: snapshot.position },
    });
  }
  const info = result.value;
  return {
    position: info.position,
    chainHash: b64(info.chainHash),
    size: info.size,
    createdAt: info.createdAt.toISOString(),
  };
};

export const snapshotHandlers = {
  put: vaultAuthed.snapshots.put.handler(({ input, context }) =>
    storeSnapshot(context, input.vaultId, {
      position: input.position,
      chainHash: bytes(input.chainHash),
      payload: bytes(input.payload),
    }),
  ),

  putFrames: vaultAuthed.snapshots.putFrames.handler(async ({ input, context }) => {
    const decoded = decodeSnapshotFrames(new Uint8Array(await input.body.arrayBuffer()));
    // The JSON route's schema asks for a position of at least 1; the frame holds any varint.
    if (decoded.ok && decoded.value.position < 1) {
      throw new ORPCError("BAD_REQUEST", {
        status: 400,
        message: "The snapshot's position must be at least 1.",
      });
    }
    if (!decoded.ok) {
      throw new ORPCError("BAD_REQUEST", {
        status: 400,
        message: `The snapshot body is malformed: ${decoded.error.reason}.`,
      });
    }
    return storeSnapshot(context, input.params.vaultId, decoded.value);
  }),

  latest: vaultAuthed.snapshots.latest.handler(async ({ input, context }) => {
    const snapshot = await latestOf(context, input.vaultId);
    return {
      position: snapshot.position,
      chainHash: b64(snapshot.chainHash),
      size: snapshot.size,
      createdAt: snapshot.createdAt.toISOString(),
      payload: b64(snapshot.payload),
    };
  }),

  latestFrames: vaultAuthed.snapshots.latestFrames.handler(async ({ input, context }) => {
    const snapshot = await latestOf(context, input.vaultId);
    return new File([encodeSnapshotFrames(snapshot)], "snapshot", {
      type: EVENT_FRAMES_MEDIA_TYPE,
    });
  }),
};

const latestOf = async (
  context: RequestContext & { readonly session: Session },
  requestedVault: string,
) => {
  const vaultId = await requireOwnVault(context, requestedVault);
  const snapshot = await withHeavySlot(context.app.quotas, context.session.accountId, () =>
    latestSnapshot(context.app, vaultId),
  );
  if (snapshot === undefined) {
    throw apiError("NOT_FOUND", { message: "This vault has no snapshot yet." });
  }
  return snapshot;
};
