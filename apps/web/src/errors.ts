/** Words for a person from any failure the vault API returns or throws: what happened, what to do. */

import { describeSyncError, type SyncError } from "@keypears/sync-client/core";
import { describeVaultError, type VaultError } from "@keypears/vault/core";
import { VaultRpcError } from "@keypears/vault-browser";

const VAULT_KINDS = new Set([
  "invalid-address",
  "kdf-params-invalid",
  "kdf-params-too-weak",
  "kdf-params-too-costly",
  "invalid-field",
  "account-exists",
  "no-such-account",
  "wrong-credentials",
  "not-a-vault",
  "not-found",
  "ambiguous",
  "no-conflict",
  "invalid-choice",
  "no-totp",
]);

export const describeFailure = (error: unknown): string => {
  if (error instanceof VaultRpcError) return error.message;
  if (typeof error === "object" && error !== null && "kind" in error) {
    const kind = String((error as { kind: unknown }).kind);
    if (kind === "wrong-credentials")
      return "the password or Secret Key is wrong; check them and try again";
    if (VAULT_KINDS.has(kind)) return describeVaultError(error as VaultError);
    try {
      return describeSyncError(error as SyncError);
    } catch {
      const reason = (error as { reason?: unknown; message?: unknown }).reason;
      return typeof reason === "string" ? `${kind}: ${reason}` : kind;
    }
  }
  return error instanceof Error ? error.message : String(error);
};
