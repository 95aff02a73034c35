/** Every way a sync can stop, and what a person is told. The local vault is intact in every case. */

import type { ChainError } from "@keypears/sync-core";

export type SyncError =
  /** The server could not be reached; local work continues and is queued. */
  | { readonly kind: "unreachable"; readonly detail: string }
  /** The session expired, or this device was revoked. */
  | { readonly kind: "unauthorized" }
  /** The server refused a request (a limit, a malformed request). */
  | { readonly kind: "rejected"; readonly detail: string }
  /** The server's history is behind what this device verified. */
  | { readonly kind: "rollback"; readonly verified: number; readonly served: number }
  /** The server showed this device a history that differs from one it (or another device) verified. */
  | { readonly kind: "fork"; readonly position: number; readonly detail: string }
  /** An event is missing from what the server served. */
  | { readonly kind: "missing-event"; readonly position: number; readonly detail: string }
  /** Events were served out of order, or one of ours at another position than promised. */
  | { readonly kind: "reordered"; readonly position: number; readonly detail: string }
  /** An event was changed, injected, or does not open under the vault key. */
  | { readonly kind: "tampered"; readonly position: number | null; readonly detail: string }
  /** The server sent key material or KDF parameters this client did not expect. */
  | { readonly kind: "key-material"; readonly detail: string }
  /** Events this device still needs were pruned from the server. */
  | { readonly kind: "pruned" }
  /** A snapshot the server served does not open or does not match its checkpoint. */
  | { readonly kind: "bad-snapshot"; readonly detail: string }
  /** A pull page broke the protocol's rules (a repeated id, a gap, more events than asked). */
  | { readonly kind: "protocol"; readonly position: number | null; readonly detail: string }
  /** The local vault refused the operation (e.g. an item it cannot read). */
  | { readonly kind: "local"; readonly detail: string };

/**
 * The snapshot shortcut (docs/PROTOCOL.md 16.6) did not work in a sync that otherwise succeeded.
 * Neither stops the sync, but a person should be told: without a snapshot every new device of the
 * vault pulls, verifies and applies the whole log.
 */
export type SnapshotNotice =
  /** This device's snapshot was not stored: refused for good (`retry` false) or not delivered. */
  | { readonly kind: "not-stored"; readonly detail: string; readonly retry: boolean }
  /** This new device could not start from the server's latest snapshot and pulled the whole log. */
  | { readonly kind: "not-used"; readonly detail: string };

export const describeSnapshotNotice = (notice: SnapshotNotice): string =>
  notice.kind === "not-stored"
    ? `this device's snapshot was not stored on the server (${notice.detail}); new devices will replay the whole history${notice.retry ? " until a later sync stores one" : ""}`
    : `the server's latest snapshot could not be used (${notice.detail}); this device pulled and verified the whole history instead`;

/** Translates the chain's verification errors (see `verifySegment`). */
export const syncErrorFromChain = (error: ChainError): SyncError => {
  switch (error.kind) {
    case "rollback":
      return { kind: "rollback", verified: error.verified, served: error.served };
    case "does-not-extend":
      return {
        kind: "fork",
        position: error.position,
        detail:
          "the server's chain at the last verified position differs from the one this device verified",
      };
    case "missing-event":
      return {
        kind: "missing-event",
        position: error.position,
        detail: "the server skipped this position",
      };
    case "out-of-order":
      return {
        kind: "reordered",
        position: error.position,
        detail: `expected position ${error.expected}`,
      };
    case "hash-mismatch":
      return {
        kind: "tampered",
        position: error.position,
        detail: "the event's bytes do not match the chain hash the server committed to",
      };
    case "head-mismatch":
      return {
        kind: "tampered",
        position: error.position,
        detail: "the head the server claims is not what its events add up to",
      };
  }
};

const SERVER_WARNING = "Sync is stopped for this vault; your local vault is intact and usable.";

export const describeSyncError = (error: SyncError): string => {
  switch (error.kind) {
    case "unreachable":
      return `cannot reach the server (${error.detail}); your changes are saved locally and will sync later`;
    case "unauthorized":
      return "the server ended this device's session: the master password was changed on another device, the session expired, or this device was revoked; run `keypears login` with the current master password";
    case "rejected":
      return `the server refused the request: ${error.detail}`;
    case "rollback":
      return `the server served an older state (head ${error.served}) than this device already verified (${error.verified}). ${SERVER_WARNING}`;
    case "fork":
      return `the server is showing different histories to different devices (at position ${error.position}: ${error.detail}). ${SERVER_WARNING}`;
    case "missing-event":
      return `the server left out an event at position ${error.position} (${error.detail}). ${SERVER_WARNING}`;
    case "reordered":
      return `the server reordered events at position ${error.position} (${error.detail}). ${SERVER_WARNING}`;
    case "tampered":
      return `the server altered or injected an event${error.position === null ? "" : ` at position ${error.position}`} (${error.detail}). ${SERVER_WARNING}`;
    case "key-material":
      return `the server sent key material this client did not expect: ${error.detail}. ${SERVER_WARNING}`;
    case "pruned":
      return "this device was away so long that the server no longer has the events it needs; sign in again with `keypears login` on a fresh KEYPEARS_HOME";
    case "bad-snapshot":
      return `the server's snapshot was refused: ${error.detail}. ${SERVER_WARNING}`;
    case "protocol":
      return `the server sent a page that breaks the sync protocol${error.position === null ? "" : ` at position ${error.position}`}: ${error.detail}. Nothing of it was applied; sync will try again. If this persists, the server is faulty or lying.`;
    case "local":
      return error.detail;
  }
};
