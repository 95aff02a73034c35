/**
 * Sends the server the password-wrapped copy of every key epoch's vault key (docs/PROTOCOL.md
 * 16.7) once this device has verified a rotation, so that a device signing in later with the
 * password and Secret Key reads what was written after it. Commands that hold the password call it
 * after a revocation, after `passwd --new-secret-key`, and after each `sync`; when the server's copy
 * is current it costs one request and no key derivation.
 */

import type { Vault } from "@keypears/vault";
import type { SyncServices } from "./sync-services.ts";

export type Publication =
  { readonly kind: "sent" | "current" } | { readonly kind: "failed"; readonly message: string };

export const publishEpochKeys = async (
  services: SyncServices,
  vault: Vault,
  password: string,
): Promise<Publication> => {
  if (vault.sync.keyEpochs().sealing === 0) return { kind: "current" };
  const published = await services.publishEpochKeys(vault, password);
  if (!published.ok) return { kind: "failed", message: published.error.message };
  return { kind: published.value ? "sent" : "current" };
};
