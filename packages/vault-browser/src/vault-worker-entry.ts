/** The vault worker's entry module: `new Worker(new URL("./vault-worker-entry.ts", import.meta.url), { type: "module" })`. */

import { systemDeps } from "@keypears/sync-core";
import { openOpfsPool, takeQuotaExceeded } from "./opfs-pool.ts";
import { CHANNEL_NAME } from "./protocol.ts";
import { createWorkerViewOpener, type HelperWorker } from "./view-opener.ts";

/** The browser's `Worker` (this package is type-checked with Node's globals only). */
declare const Worker: new (url: URL, options: { readonly type: "module" }) => HelperWorker;
import {
  type BroadcastPort,
  type LockManagerLike,
  runVaultWorker,
  type WorkerScope,
} from "./vault-worker.ts";
import { createWebCryptoSignatureVerifier } from "./webcrypto-signatures.ts";

const scope = globalThis as unknown as WorkerScope & {
  readonly navigator: {
    readonly locks: LockManagerLike;
    readonly onLine: boolean;
  };
  readonly addEventListener: (type: "online" | "offline", listener: () => void) => void;
  readonly removeEventListener: (type: "online" | "offline", listener: () => void) => void;
};

runVaultWorker(scope, {
  channel: new BroadcastChannel(CHANNEL_NAME) as unknown as BroadcastPort,
  locks: scope.navigator.locks,
  openStorage: () => openOpfsPool(),
  deps: {
    now: systemDeps.now,
    randomBytes: systemDeps.randomBytes,
    // Pulled pages' signatures are verified with WebCrypto (native, off this thread) before the apply.
    signatureVerifier: createWebCryptoSignatureVerifier(),
  },
  quotaExceeded: takeQuotaExceeded,
  // Written out as `new Worker(new URL(...))` so that bundlers (Vite) bundle the helper's module.
  viewOpener: createWorkerViewOpener(
    () =>
      new Worker(new URL("./view-opener-entry.ts", import.meta.url), {
        type: "module",
      }),
  ),
  network: {
    online: () => scope.navigator.onLine,
    subscribe: (listener) => {
      const online = () => listener(true);
      const offline = () => listener(false);
      scope.addEventListener("online", online);
      scope.addEventListener("offline", offline);
      return () => {
        scope.removeEventListener("online", online);
        scope.removeEventListener("offline", offline);
      };
    },
  },
});
