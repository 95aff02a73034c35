/**
 * Live sync in Chromium follows the server's head stream: a change another device pushes reaches
 * the browser vault's live query over the stream the worker already holds open (no new stream, no
 * poll), and the browser's offline and online events stop live sync and start it again (a new
 * stream; the page passes the events on to its worker, which Chromium does not always tell). The server is the real one over HTTP; every request the browser makes goes through the
 * test's proxy, which records it.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseSecretKey } from "@keypears/crypto";
import { startServer, type RunningServer } from "@keypears/server";
import { createSyncClient, discoverServer, loginNewDevice } from "@keypears/sync-client";
import { createTestHome } from "@keypears/vault/testing";
import { buildTestBundle, launchChromium, serveStatic } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: { vault: VaultClient; titles?: string[] };

const DOMAIN = "example.test";
const ADDRESS = `rt@${DOMAIN}`;
const PASSWORD = "correct horse battery staple";
const generous = { capacity: 100_000, refillPerMinute: 100_000 };

let bundle: Awaited<ReturnType<typeof buildTestBundle>>;
let server: RunningServer;
let site: Awaited<ReturnType<typeof serveStatic>>;
/** Every request the browser made to the API, as "METHOD path". */
const requests: string[] = [];

before(async () => {
  bundle = await buildTestBundle(new URL("./testing/test-page.ts", import.meta.url).pathname);
  server = await startServer({
    domain: DOMAIN,
    port: 0,
    database: { kind: "memory" },
    log: () => {},
    keepAliveMs: 200,
    shutdownGraceMs: 2000,
    rateLimits: { register: generous, login: generous, failedLogins: generous },
  });
  site = await serveStatic(bundle.dir, server.url);
  site.server.on("request", (req: { method?: string; url?: string }) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path.startsWith("/api/")) requests.push(`${req.method ?? "GET"} ${path}`);
  });
});
after(async () => {
  await site?.close();
  await server?.close();
  bundle?.dispose();
});

const streams = (from = 0): number =>
  requests.slice(from).filter((r) => /^GET \/api\/.*\/vaults\/[^/]+\/stream$/.test(r)).length;

const waitFor = (what: string, check: () => boolean): Promise<void> =>
  waitForState(what, async () => check());

const waitForState = async (what: string, check: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test("a change from another device reaches the browser's live query through the open head stream; offline stops live sync, online starts it again", async () => {
  const browser = await launchChromium();
  const home = createTestHome();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof keypears === "object");

    const secretKey = await page.evaluate(
      async ({ address, password, serverUrl }) => {
        const { vault } = keypears;
        const created = await vault.createAccount({
          address,
          password,
          serverUrl,
          deviceName: "browser",
        });
        if (!created.ok) throw new Error(JSON.stringify(created.error));
        const unlocked = await vault.unlock(address, password);
        if (!unlocked.ok) throw new Error(JSON.stringify(unlocked.error));
        const synced = await vault.sync(address);
        if (!synced.ok) throw new Error(JSON.stringify(synced.error));
        keypears.titles = [];
        vault.watch(address, { kind: "list" }, (items) => {
          keypears.titles = items.map((item) => item.title);
        });
        await vault.startLiveSync(address);
        return created.value.secretKey;
      },
      { address: ADDRESS, password: PASSWORD, serverUrl: site.url },
    );
    await waitFor("the browser's head stream", () => streams() === 1);

    // Another device of the account (Node, as the CLI) signs in and syncs.
    const endpoint = await discoverServer(DOMAIN, server.url);
    assert.ok(endpoint.ok);
    const key = parseSecretKey(secretKey);
    assert.ok(key.ok);
    const login = await loginNewDevice({
      home: home.path,
      address: ADDRESS,
      password: PASSWORD,
      secretKey: key.value,
      server: endpoint.value,
      deviceName: "cli",
    });
    assert.ok(login.ok, JSON.stringify(!login.ok && login.error));
    const cli = login.value;
    const cliSync = createSyncClient(cli, endpoint.value);
    assert.ok((await cliSync.syncOnce()).ok);

    // The other device's change arrives over the stream already open.
    const mark = requests.length;
    assert.ok(cli.add({ fields: { title: "From the CLI" } }).ok);
    assert.ok((await cliSync.syncOnce()).ok);
    await page.waitForFunction(
      () => keypears.titles?.includes("From the CLI") === true,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const since = requests.slice(mark);
    assert.equal(streams(mark), 0, `no new stream was opened: ${since.join(", ")}`);
    assert.ok(
      since.some((r) => /\/vaults\/[^/]+\/(events|frames)/.test(r)),
      `the browser pulled after the stream said the head moved: ${since.join(", ")}`,
    );

    // Offline: live sync stops; online: it starts again, with a new stream, and the next change arrives.
    const liveState = () => page.evaluate((a) => keypears.vault.liveSyncState(a), ADDRESS);
    await browser.context.setOffline(true);
    await waitForState("live sync stopped while offline", async () => {
      const state = await liveState();
      return !state.running && !state.online;
    });
    const beforeOnline = requests.length;
    await browser.context.setOffline(false);
    await waitForState("live sync running again online", async () => (await liveState()).running);
    await waitFor("a new head stream after going online", () => streams(beforeOnline) === 1);
    assert.ok(cli.add({ fields: { title: "After the outage" } }).ok);
    assert.ok((await cliSync.syncOnce()).ok);
    await page.waitForFunction(
      () => keypears.titles?.includes("After the outage") === true,
      undefined,
      { timeout: 120_000 },
    );
    cli.lock();
  } finally {
    await browser.close();
    browser.removeProfile();
    home.remove();
  }
});
