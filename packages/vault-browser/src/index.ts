/**
 * `@keypears/vault-browser`: the vault in a browser. `openBrowserVault()` starts this tab's vault
 * worker (SQLite WASM on OPFS, shared by every tab through one owning worker) and returns the
 * async client with live queries. Depends on the platform-free core, never on `node/`.
 */

import { connectVault, type VaultClient, type WorkerPort } from "./vault-client.ts";

/** The browser's `Worker` (this package is type-checked with Node's globals only). */
declare const Worker: new (url: URL, options: { readonly type: "module" }) => WorkerPort;

export * from "./protocol.ts";
export * from "./vault-client.ts";
export type {
  AccountSummary,
  CreateAccountRequest,
  CreatedAccount,
  RevokedDevice,
  VaultApi,
} from "./vault-service.ts";
export type {
  LiveSyncState,
  SignInError,
  SignInRequest,
  SyncedAccountRequest,
} from "./sync-service.ts";
export type * from "./transfer-service.ts";
export type * from "./health-service.ts";
export type * from "./device-trust-service.ts";
export type * from "./share-service.ts";
export type { LiveQuery, LiveQueryResults, LiveResult } from "@keypears/vault/core";

/** Starts this tab's vault worker and connects to it; also closes it when the page goes away for good. */
export const openBrowserVault = (): VaultClient => {
  // Written out as `new Worker(new URL(...))` so that bundlers (Vite) bundle the worker module.
  const worker = new Worker(new URL("./vault-worker-entry.ts", import.meta.url), {
    type: "module",
  });
  const client = connectVault(worker);
  const target = globalThis as unknown as {
    addEventListener?: (
      type: "pagehide",
      listener: (event: { persisted: boolean }) => void,
    ) => void;
  };
  target.addEventListener?.("pagehide", (event) => {
    if (!event.persisted) worker.postMessage({ type: "close" });
  });
  // Live sync runs in the worker; the page hears the network come and go more reliably.
  const network = globalThis as unknown as {
    addEventListener?: (type: "online" | "offline", listener: () => void) => void;
  };
  network.addEventListener?.("online", () => worker.postMessage({ type: "network", online: true }));
  network.addEventListener?.("offline", () =>
    worker.postMessage({ type: "network", online: false }),
  );
  return client;
};
