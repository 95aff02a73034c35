/**
 * What server processes tell each other through Postgres NOTIFY (or PGlite's in-process
 * equivalent): a vault's head moved, a device was revoked, a session ended, an account's share
 * inbox changed. Payloads hold ids,
 * positions and hashes only, and fit well under NOTIFY's 8000-byte limit.
 */

import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import type { ChainHash, Checkpoint, DeviceId, VaultId } from "@keypears/sync-core";

export const NOTICE_CHANNEL = "keypears_events";

export type Notice =
  | { readonly kind: "head"; readonly vaultId: VaultId; readonly head: Checkpoint }
  | { readonly kind: "device-revoked"; readonly accountId: string; readonly deviceId: DeviceId }
  | { readonly kind: "session-ended"; readonly tokenHash: Uint8Array }
  /** A share arrived in the account's inbox or left it (accepted, declined). */
  | { readonly kind: "inbox"; readonly accountId: string };

export const encodeNotice = (notice: Notice): string => {
  switch (notice.kind) {
    case "head":
      return `h ${notice.vaultId} ${notice.head.position} ${bytesToBase64Url(notice.head.hash)}`;
    case "device-revoked":
      return `d ${notice.accountId} ${notice.deviceId}`;
    case "session-ended":
      return `s ${bytesToBase64Url(notice.tokenHash)}`;
    case "inbox":
      return `i ${notice.accountId}`;
  }
};

/** Parses a payload; undefined for anything this version does not know (ignored, not fatal). */
export const decodeNotice = (payload: string): Notice | undefined => {
  const [kind, a, b, c] = payload.split(" ");
  try {
    if (kind === "h" && a !== undefined && b !== undefined && c !== undefined) {
      const position = Number(b);
      if (!Number.isSafeInteger(position)) return undefined;
      const hash = base64UrlToBytes(c) as ChainHash;
      return { kind: "head", vaultId: a as VaultId, head: { position, hash } };
    }
    if (kind === "d" && a !== undefined && b !== undefined) {
      return { kind: "device-revoked", accountId: a, deviceId: b as DeviceId };
    }
    if (kind === "i" && a !== undefined && a !== "") return { kind: "inbox", accountId: a };
    if (kind === "s" && a !== undefined) {
      return { kind: "session-ended", tokenHash: base64UrlToBytes(a) };
    }
  } catch {
    return undefined;
  }
  return undefined;
};
