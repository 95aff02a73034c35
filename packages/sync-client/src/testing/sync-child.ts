/**
 * A child process for the crash tests: unlocks a device's vault and syncs, but stops dead at a
 * chosen point (and waits there to be killed with SIGKILL):
 * - `after-push`: the server has stored the push, the answer has arrived, nothing is recorded yet;
 * - `before-pull`: the positions the server gave are recorded, the pull has not begun.
 */

import { unlockVault } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import { discoverServer } from "../server-client.ts";
import { createSyncClient } from "../sync-client.ts";
import { DOMAIN } from "./harness.ts";

const [home, address, serverUrl, password, stopAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const vault = await unlockVault({ home, address, password, deps: cheapDeps() });
if (!vault.ok) throw new Error(JSON.stringify(vault.error));
const endpoint = await discoverServer(DOMAIN, serverUrl);
if (!endpoint.ok) throw new Error(JSON.stringify(endpoint.error));

const hang = (marker: string): Promise<never> => {
  process.stdout.write(`${marker}\n`);
  return new Promise<never>(() => {});
};

const crashingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const isEvents = /\/vaults\/[^/]+\/events/.test(new URL(request.url).pathname);
  if (stopAt === "before-pull" && isEvents && request.method === "GET") return hang("STOPPED");
  const response = await fetch(request);
  if (stopAt === "after-push" && isEvents && request.method === "POST") {
    await response.arrayBuffer();
    return hang("STOPPED");
  }
  return response;
};

await createSyncClient(vault.value, endpoint.value, { fetch: crashingFetch }).syncOnce();
process.stdout.write("FINISHED\n");
