/**
 * The messages of the browser vault: page ↔ its own worker (postMessage), and worker ↔ worker
 * over one BroadcastChannel per origin, where the owning worker serves the others. Every
 * message is plain data.
 */

import type { LiveDelta, LiveQuery } from "@keypears/vault/core";
import type { VaultApi } from "./vault-service.ts";

export type MethodName = keyof VaultApi;

/** Every method of `VaultApi`, for the client to mirror and the worker to check. */
export const METHOD_NAMES = [
  "accounts",
  "createAccount",
  "signIn",
  "unlock",
  "lock",
  "add",
  "addMany",
  "edit",
  "trash",
  "restore",
  "purge",
  "get",
  "list",
  "history",
  "conflicts",
  "resolve",
  "totp",
  "problems",
  "syncStatus",
  "sync",
  "startLiveSync",
  "stopLiveSync",
  "liveSyncState",
  "devices",
  "renameDevice",
  "revokeDevice",
  "credentialsChanged",
  "followPasswordChange",
  "changePassword",
  "importFile",
  "exportFile",
  "healthReport",
  "setFindingDismissed",
  "deviceTrust",
  "acknowledgeDevices",
  "shareItem",
  "shareInbox",
  "acceptShare",
  "declineShare",
  "contacts",
  "verifyContact",
  "waitForInbox",
  "blockedSenders",
  "blockSender",
  "query",
  "queryDelta",
] as const satisfies readonly MethodName[];

/** Why a call failed other than with the vault's own `Result` error. */
export type RpcFailure =
  /** The account is locked (or was never unlocked); unlock it. */
  | { readonly kind: "locked"; readonly address: string }
  /**
   * The tab that owned the database closed after it accepted this call and before it answered:
   * the call may or may not have committed. Read the state again before retrying a change.
   */
  | { readonly kind: "owner-lost"; readonly method: string }
  /** The browser's storage quota is full: nothing of this call was written; earlier commits stay. */
  | { readonly kind: "storage-full" }
  /** This browser gives no persistent storage to this page (no OPFS): nothing can be kept. */
  | { readonly kind: "no-storage"; readonly reason: string }
  | { readonly kind: "internal"; readonly message: string };

export type PageToWorker =
  | {
      readonly type: "call";
      readonly id: number;
      readonly method: MethodName;
      readonly args: readonly unknown[];
    }
  | {
      readonly type: "watch";
      readonly id: number;
      readonly address: string;
      readonly query: LiveQuery;
      /**
       * Only say when the result changed (`changed` messages), without the result: the worker
       * folds the deltas itself, so a page that needs a signal never receives the rows.
       */
      readonly signalOnly?: boolean;
    }
  | { readonly type: "unwatch"; readonly id: number }
  /**
   * The page's online/offline event. Chromium does not always fire them in a dedicated worker (not
   * under DevTools' network emulation, at least), so the page passes on what it hears.
   */
  | { readonly type: "network"; readonly online: boolean }
  /** The page is going away for good: an owner releases the database for the next tab. */
  | { readonly type: "close" };

export type WorkerToPage =
  | { readonly type: "result"; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: "result";
      readonly id: number;
      readonly ok: false;
      readonly failure: RpcFailure;
    }
  /** A live query's run: a `LiveDelta` the page folds into its last result. */
  | { readonly type: "live"; readonly id: number; readonly delta: LiveDelta }
  /** A signal-only live query's result changed (or was run for the first time). */
  | { readonly type: "changed"; readonly id: number }
  | { readonly type: "live-failure"; readonly id: number; readonly failure: RpcFailure }
  | { readonly type: "role"; readonly workerId: string; readonly owner: boolean };

export type PeerMessage =
  /** A worker that just started asks who owns the database. */
  | { readonly type: "hello"; readonly from: string }
  /** The owner announces itself (on election, and in answer to hello). */
  | { readonly type: "owner"; readonly from: string }
  | {
      readonly type: "call";
      readonly from: string;
      readonly to: string;
      readonly id: string;
      readonly method: MethodName;
      readonly args: readonly unknown[];
    }
  /** The owner took the call and runs it now: from here on, losing the owner loses the answer. */
  | { readonly type: "accepted"; readonly to: string; readonly id: string }
  | {
      readonly type: "result";
      readonly to: string;
      readonly id: string;
      readonly ok: true;
      readonly value: unknown;
    }
  | {
      readonly type: "result";
      readonly to: string;
      readonly id: string;
      readonly ok: false;
      readonly failure: RpcFailure;
    }
  /** A commit changed this account (`*`: any account, after a change of owner). */
  | { readonly type: "changed"; readonly address: string }
  /** An unlocked vault's key, held in memory by every worker so a successor can serve it. */
  | {
      readonly type: "session";
      readonly to?: string;
      readonly address: string;
      readonly vaultKey: Uint8Array;
    }
  | { readonly type: "locked"; readonly address: string };

export const CHANNEL_NAME = "keypears-vault";
export const OWNER_LOCK = "keypears-vault-owner";
