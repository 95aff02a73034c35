/**
 * Device B of the realtime benchmark, in a process of its own (a second device is a second
 * machine): it unlocks its vault, follows the server's head stream with the sync client's
 * watcher, and after every sync tells the parent how far it has verified and applied, and when
 * (`performance.timeOrigin + performance.now()`, comparable across processes of one machine).
 *
 *   node --import tsx bench/realtime/device-b.ts '<DeviceBOptions as JSON>'
 */

import { createSyncClient, describeSyncError, discoverServer } from "@keypears/sync-client";
import { describeVaultError, unlockVault } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import { BENCH_DOMAIN } from "../lib/server-process.ts";
import type { DeviceBMessage, DeviceBOptions } from "./protocol.ts";

const [json] = process.argv.slice(2);
if (json === undefined) throw new Error("usage: device-b.ts '<options as JSON>'");
const options = JSON.parse(json) as DeviceBOptions;
const send = (message: DeviceBMessage): void => {
  process.send?.(message);
};

const unlocked = await unlockVault({
  home: options.home,
  address: options.address,
  password: options.password,
  deps: cheapDeps(),
});
if (!unlocked.ok) throw new Error(describeVaultError(unlocked.error));
const vault = unlocked.value;
const endpoint = await discoverServer(BENCH_DOMAIN, options.serverUrl);
if (!endpoint.ok) throw new Error(describeSyncError(endpoint.error));
const now = (): number => performance.timeOrigin + performance.now();
/** When the sync under way sent its first request (the head stream's own request aside). */
let syncStartedAt: number | undefined;
const client = createSyncClient(vault, endpoint.value, {
  snapshotEvery: Number.MAX_SAFE_INTEGER,
  fetch: (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.endsWith("/stream")) syncStartedAt ??= now();
    return fetch(input, init);
  },
});
const stop = new AbortController();
process.on("disconnect", () => stop.abort());

const stopped = client.watch({
  signal: stop.signal,
  onConnection: (state) => send({ type: "connection", state }),
  onSync: (result) => {
    const at = now();
    const startedAt = syncStartedAt ?? at;
    syncStartedAt = undefined;
    if (result.ok) {
      send({ type: "synced", position: result.value.verified.position, at, startedAt });
    } else send({ type: "error", message: describeSyncError(result.error) });
  },
});
const fatal = await stopped;
if (fatal !== undefined) send({ type: "error", message: describeSyncError(fatal) });
vault.lock();
// Idle keep-alive sockets of the HTTP client would keep the process up: it is done.
process.exit(0);
