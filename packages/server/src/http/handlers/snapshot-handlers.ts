/** The snapshot routes: store one (its anchor checked against the chain), fetch the latest. */

import { encodeSnapshotFrames, EVENT_FRAMES_MEDIA_TYPE } from "@keypears/api";
import type { Session } from "../../accounts/sessions.ts";
import { requireOwnSignedSnapshot } from "../../events/signer-filter.ts";
import { latestSnapshot, putSnapshot } from "../../vaults/snapshots.ts";
import type { RequestContext } from "../context.ts";
import { apiError } from "../api-error.ts";
import { vaultAuthed } from "../implementer.ts";
import { b64, bytes } from "../wire-convert.ts";
import { requireStorage, withHeavySlot } from "../account-quotas.ts";
import { requireOwnVault } from "./vault-access.ts";

export const snapshotHandlers = {
  put: vaultAuthed.snapshots.put.handler(async ({ input, context }) => {
    const { app } = context;
    const vaultId = await requireOwnVault(context, input.vaultId);
    const payload = bytes(input.payload);
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
      return putSnapshot(app, vaultId, {
        position: input.position,
        chainHash: bytes(input.chainHash),
        payload,
      });
    });
    if (!result.ok) {
      throw apiError("CHAIN_MISMATCH", {
        message: `Position ${input.position} of this vault does not have that chain hash (or is past the head).`,
        data: { position: input.position },
      });
    }
    const info = result.value;
    return {
      position: info.position,
      chainHash: b64(info.chainHash),
      size: info.size,
      createdAt: info.createdAt.toISOString(),
    };
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
