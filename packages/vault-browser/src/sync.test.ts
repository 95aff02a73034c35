import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseSecretKey } from "@keypears/crypto";
import { startServer, type RunningServer } from "@keypears/server";
import { createSyncClient, discoverServer, loginNewDevice } from "@keypears/sync-client";
import type { Item } from "@keypears/vault";
import { createTestHome } from "@keypears/vault/testing";
import type { Page } from "playwright-core";
import { buildTestBundle, launchChromium, serveStatic } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: { vault: VaultClient; seen?: string[]; conflicts?: number[] };

const DOMAIN = "example.test";
const ADDRESS = `alice@${DOMAIN}`;
const PASSWORD = "correct horse battery staple";
const generous = { capacity: 100_000, refillPerMinute: 100_000 };

let bundle: Awaited<ReturnType<typeof buildTestBundle>>;
let server: RunningServer;
let site: Awaited<ReturnType<typeof serveStatic>>;

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
  // The app and the API on one origin, as `keypears serve` will serve them.
  site = await serveStatic(bundle.dir, server.url);
});
after(async () => {
  await site?.close();
  await server?.close();
  bundle?.dispose();
});

const field = (item: Item | undefined, name: string) =>
  item?.fields.find((f) => f.name === name)?.value;

test("a browser device and a Node (CLI) device of one account converge through a real server, offline edits on both included", async () => {
  const browser = await launchChromium();
  const home = createTestHome();
  try {
    const page: Page = await browser.context.newPage();
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
        const added = await vault.add(address, {
          fields: { title: "Shared", username: "alice", password: "first" },
        });
        if (!added.ok) throw new Error(JSON.stringify(added.error));
        const synced = await vault.sync(address);
        if (!synced.ok) throw new Error(JSON.stringify(synced.error));
        return created.value.secretKey;
      },
      { address: ADDRESS, password: PASSWORD, serverUrl: site.url },
    );

    // The other device signs in with the password and the Secret Key from the browser's kit.
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
    const shared = cli.get("Shared");
    assert.ok(shared.ok);
    assert.equal(field(shared.value, "password"), "first");

    // Both edit offline: different fields of the same item.
    await browser.context.setOffline(true);
    const offline = await page.evaluate(async (address) => {
      const { vault } = keypears;
      const edited = await vault.edit(address, "Shared", { notes: "from the browser" });
      const synced = await vault.sync(address);
      return { edited: edited.ok, synced: synced.ok ? "ok" : synced.error.kind };
    }, ADDRESS);
    assert.deepEqual(
      offline,
      { edited: true, synced: "unreachable" },
      "offline: saved locally, sync says unreachable",
    );
    assert.ok(cli.edit("Shared", { password: "second" }).ok);
    assert.ok((await cliSync.syncOnce()).ok);
    await browser.context.setOffline(false);

    // Back online, the browser syncs live: its live query sees the CLI's edits without a reload.
    await page.evaluate((address) => {
      const { vault } = keypears;
      keypears.seen = [];
      vault.watch(address, { kind: "item", ref: "Shared" }, (result) => {
        if (result.ok)
          keypears.seen?.push(
            String(result.value.fields.find((f) => f.name === "password")?.value),
          );
      });
      return vault.startLiveSync(address);
    }, ADDRESS);
    await page.waitForFunction(() => keypears.seen?.at(-1) === "second", undefined, {
      timeout: 20_000,
    });
    assert.ok(cli.edit("Shared", { password: "third" }).ok);
    assert.ok((await cliSync.syncOnce()).ok);
    await page.waitForFunction(() => keypears.seen?.at(-1) === "third", undefined, {
      timeout: 20_000,
    });

    // The CLI gets the browser's offline edit; both hold the same item.
    await page.waitForFunction(
      async (address) => (await keypears.vault.syncStatus(address)).pending === 0,
      ADDRESS,
      { timeout: 20_000 },
    );
    assert.ok((await cliSync.syncOnce()).ok);
    const onCli = cli.get("Shared");
    assert.ok(onCli.ok);
    assert.equal(field(onCli.value, "notes"), "from the browser");
    assert.equal(field(onCli.value, "password"), "third");
    const inBrowser = await page.evaluate(async (address) => {
      const got = await keypears.vault.get(address, "Shared");
      return got.ok ? got.value.fields.map((f) => [f.name, f.value]) : [];
    }, ADDRESS);
    assert.deepEqual(
      Object.fromEntries(inBrowser),
      Object.fromEntries(onCli.value.fields.map((f) => [f.name, f.value])),
    );
    // A same-field conflict: shown in the browser's live query, resolved there, settled on the CLI too.
    await page.evaluate((address) => keypears.vault.stopLiveSync(address), ADDRESS);
    await page.evaluate((address) => {
      keypears.conflicts = [];
      keypears.vault.watch(address, { kind: "conflicts" }, (list) => {
        keypears.conflicts?.push(list.length);
      });
    }, ADDRESS);
    assert.ok(
      await page.evaluate(
        async (address) =>
          (await keypears.vault.edit(address, "Shared", { username: "from-browser" })).ok,
        ADDRESS,
      ),
    );
    assert.ok(cli.edit("Shared", { username: "from-cli" }).ok);
    assert.ok((await cliSync.syncOnce()).ok);
    const conflicted = await page.evaluate(async (address) => {
      const synced = await keypears.vault.sync(address);
      return synced.ok
        ? (await keypears.vault.conflicts(address)).map((c) => c.conflict)
        : synced.error;
    }, ADDRESS);
    assert.ok(Array.isArray(conflicted), JSON.stringify(conflicted));
    assert.equal(conflicted.length, 1, JSON.stringify(conflicted));
    await page.waitForFunction(() => keypears.conflicts?.at(-1) === 1);
    const resolved = await page.evaluate(async (address) => {
      const done = await keypears.vault.resolve(address, "Shared", "username", {
        value: "settled",
      });
      const synced = await keypears.vault.sync(address);
      return done.ok && synced.ok;
    }, ADDRESS);
    assert.ok(resolved);
    await page.waitForFunction(() => keypears.conflicts?.at(-1) === 0);
    assert.ok((await cliSync.syncOnce()).ok);
    assert.deepEqual(cli.conflicts(), []);
    const settled = cli.get("Shared");
    assert.ok(settled.ok);
    assert.equal(field(settled.value, "username"), "settled");
    // Devices, seen and renamed from the browser.
    const devices = await page.evaluate(async (address) => {
      const { vault } = keypears;
      const listed = await vault.devices(address);
      if (!listed.ok) return listed.error.kind;
      const cliDevice = listed.value.find((d) => !d.current);
      if (cliDevice === undefined) return "no other device";
      const renamed = await vault.renameDevice(address, cliDevice.id, "laptop");
      const again = await vault.devices(address);
      return again.ok && renamed.ok
        ? again.value
            .map((d) => [d.name, d.current] as const)
            .sort((x, y) => (x[0] < y[0] ? -1 : 1))
        : "failed";
    }, ADDRESS);
    assert.deepEqual(devices, [
      ["browser", true],
      ["laptop", false],
    ]);
    cli.lock();
  } finally {
    await browser.close();
    browser.removeProfile();
    home.remove();
  }
});
