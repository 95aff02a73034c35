/** The vault worker's entry module: `new Worker(new URL("./vault-worker-entry.ts", import.meta.url), { type: "module" })`. */

import { systemDeps } from "@keypears/sync-core";
import { openOpfsPool } from "./opfs-pool.ts";
import { CHANNEL_NAME } from "./protocol.ts";
import {
  type BroadcastPort,
  type LockManagerLike,
  runVaultWorker,
  type WorkerScope,
} from "./vault-worker.ts";

const scope = globalThis as unknown as WorkerScope & {
  readonly navigator: { readonly locks: LockManagerLike };
};

runVaultWorker(scope, {
  channel: new BroadcastChannel(CHANNEL_NAME) as unknown as BroadcastPort,
  locks: scope.navigator.locks,
  openStorage: () => openOpfsPool(),
  deps: { now: systemDeps.now, randomBytes: systemDeps.randomBytes },
});
