/** The check every vault route makes first: the session's account owns the vault. */

import type { VaultId } from "@keypears/sync-core";
import type { Session } from "../../accounts/sessions.ts";
import { type VaultAccess, vaultAccess } from "../../vaults/vaults.ts";
import { apiError } from "../api-error.ts";
import type { RequestContext } from "../context.ts";

export const requireOwnVault = async (
  context: RequestContext & { readonly session: Session },
  vaultId: string,
): Promise<VaultId> => {
  context.request.noteVault(vaultId);
  const access = await vaultAccess(context.app, context.session.accountId, vaultId as VaultId);
  if (access !== "owner") throw vaultAccessError(access);
  return vaultId as VaultId;
};

/** The refusal for a vault the session's account does not own. */
export const vaultAccessError = (access: Exclude<VaultAccess, "owner">) =>
  access === "other-account"
    ? apiError("FORBIDDEN")
    : apiError("NOT_FOUND", { message: "No such vault." });
