/** The checks every vault route makes first: the session's device may sync, its account owns the vault. */

import type { VaultId } from "@keypears/sync-core";
import type { Session } from "../../accounts/sessions.ts";
import { type VaultAccess, vaultAccess } from "../../vaults/vaults.ts";
import { apiError } from "../api-error.ts";
import type { RequestContext } from "../context.ts";

/** A device waiting for approval (docs/PROTOCOL.md 16.10) can neither read nor write. */
export const requireApprovedDevice = (session: Session): void => {
  if (session.pending)
    throw apiError("DEVICE_PENDING", {
      message: `This device (${session.deviceId}) waits for approval: on a device already signed in to this account, run \`keypears devices approve ${session.deviceId}\` and compare the code both show.`,
      data: { deviceId: session.deviceId },
    });
};

export const requireOwnVault = async (
  context: RequestContext & { readonly session: Session },
  vaultId: string,
): Promise<VaultId> => {
  context.request.noteVault(vaultId);
  requireApprovedDevice(context.session);
  const access = await vaultAccess(context.app, context.session, vaultId as VaultId);
  if (access === "session-ended") throw apiError("UNAUTHORIZED");
  if (access !== "owner") throw vaultAccessError(access);
  return vaultId as VaultId;
};

/** The refusal for a vault the session's account does not own. */
export const vaultAccessError = (access: Exclude<VaultAccess, "owner">) =>
  access === "other-account"
    ? apiError("FORBIDDEN")
    : apiError("NOT_FOUND", { message: "No such vault." });
