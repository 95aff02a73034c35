/** Between the wire (base64url strings, ISO times) and the services (bytes, branded ids, dates). */

import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import type { WireCheckpoint, WireSession } from "@keypears/api";
import type { Checkpoint } from "@keypears/sync-core";
import type { SignedIn } from "../accounts/accounts.ts";

/** Decodes a string the contract already checked as canonical base64url. */
export const bytes = (text: string): Uint8Array => base64UrlToBytes(text);

export const b64 = (value: Uint8Array): string => bytesToBase64Url(value);

export const checkpointToWire = (checkpoint: Checkpoint): WireCheckpoint => ({
  position: checkpoint.position,
  hash: b64(checkpoint.hash),
});

export const signedInToWire = (signedIn: SignedIn): WireSession => ({
  token: signedIn.token,
  expiresAt: signedIn.expiresAt.toISOString(),
  deviceId: signedIn.deviceId,
  approval: signedIn.approval,
  account: {
    address: signedIn.account.address,
    kdf: signedIn.account.kdf,
    salt: b64(signedIn.account.salt),
    vaults: signedIn.account.vaults.map((vault) => ({
      vaultId: vault.vaultId,
      wrappedVaultKey: b64(vault.wrappedVaultKey),
    })),
  },
});
