import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium, serveTestPage } from "./testing/chromium.ts";
import type { RpcFailure } from "./protocol.ts";
import type { VaultClient } from "./vault-client.ts";
import type { Item } from "@keypears/vault/core";

declare const keypears: {
  vault: VaultClient;
  live?: string[][];
  writes?: { title: string; ok: boolean; failure?: RpcFailure["kind"] }[];
};

const ADDRESS = "tabs@localhost";
const PASSWORD = "correct horse battery staple";
/** Marks every value written, so the profile scan finds them if they reach the disk in plaintext. */
const MARK = "Zq7PlainMark";

const site = serveTestPage();

const openTab = async (context: BrowserContext): Promise<Page> => {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(site.url);
  await page.waitForFunction(() => typeof keypears === "object");
  return page;
};

/** Subscribes the tab's live list; every result it receives is kept in `keypears.live`. */
const watchList = (page: Page): Promise<void> =>
  page.evaluate((address) => {
    keypears.live = [];
    keypears.vault.watch(address, { kind: "list" }, (items) => {
      keypears.live?.push((items as readonly Item[]).map((item) => item.title).sort());
    });
  }, ADDRESS);

const lastLive = (page: Page): Promise<string[] | undefined> =>
  page.evaluate(() => keypears.live?.at(-1));

const waitForLive = async (page: Page, expected: readonly string[]): Promise<void> => {
  const want = [...expected].sort();
  await page.waitForFunction(
    (titles) => JSON.stringify(keypears.live?.at(-1)) === JSON.stringify(titles),
    want,
    { timeout: 20_000 },
  );
};

const titles = (page: Page): Promise<string[]> =>
  page.evaluate(
    async (address) => (await keypears.vault.list(address)).map((item) => item.title).sort(),
    ADDRESS,
  );

const addFrom = (page: Page, title: string): Promise<boolean> =>
  page.evaluate(
    async ({ address, title, mark }) =>
      (
        await keypears.vault.add(address, {
          fields: {
            title,
            username: `user-${mark}`,
            password: `secret-${mark}`,
            notes: `note-${mark}`,
            urls: [`https://${mark.toLowerCase()}.example`],
          },
        })
      ).ok,
    { address: ADDRESS, title, mark: MARK },
  );

/** Every file under `dir`, read whole; OPFS keeps the vault's bytes there. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });

test("three tabs share one vault: writes from each, the owner closed mid-write, a reload; nothing lost, live queries everywhere, no plaintext on disk", async () => {
  const browser = await launchChromium();
  try {
    // A owns the database before B and C ask for it: the lock is granted in the order workers
    // ask, and a worker's start-up time varies, so opening three tabs at once names no owner.
    const a = await openTab(browser.context);
    await a.waitForFunction(() => keypears.vault.isOwner(), undefined, { timeout: 60_000 });
    const [b, c] = [await openTab(browser.context), await openTab(browser.context)] as [Page, Page];
    const owners = await Promise.all(
      [a, b, c].map((tab) => tab.evaluate(() => keypears.vault.isOwner())),
    );
    assert.deepEqual(owners, [true, false, false], "the first tab owns the database");

    const created = await b.evaluate(
      async ({ address, password }) => {
        const made = await keypears.vault.createAccount({ address, password });
        if (!made.ok) return made.error.kind;
        const unlocked = await keypears.vault.unlock(address, password);
        return unlocked.ok ? "ok" : unlocked.error.kind;
      },
      { address: ADDRESS, password: PASSWORD },
    );
    assert.equal(created, "ok", "a non-owner tab creates and unlocks through the owner");
    for (const tab of [a, b, c]) await watchList(tab);
    for (const tab of [a, b, c]) await waitForLive(tab, []);

    assert.ok(await addFrom(a, "from A"));
    assert.ok(await addFrom(b, "from B"));
    assert.ok(await addFrom(c, "from C"));
    const three = ["from A", "from B", "from C"];
    for (const tab of [a, b, c]) await waitForLive(tab, three);
    const liveCounts = await Promise.all(
      [a, b, c].map((tab) => tab.evaluate(() => keypears.live?.length)),
    );
    assert.ok(
      liveCounts.every((n) => n !== undefined && n <= 4),
      `a result is handed on only when it changed (${liveCounts.join(", ")} results for 4 states)`,
    );

    // B writes in a loop; the owner (A) closes in the middle of it.
    await b.evaluate(
      ({ address, mark }) => {
        keypears.writes = [];
        void (async () => {
          for (let i = 0; i < 40; i++) {
            const title = `loop ${i}`;
            try {
              const added = await keypears.vault.add(address, {
                fields: { title, password: `secret-${mark}-${i}` },
              });
              keypears.writes?.push({ title, ok: added.ok });
            } catch (error) {
              const failure = (error as { failure?: RpcFailure }).failure;
              keypears.writes?.push({ title, ok: false, failure: failure?.kind ?? "internal" });
            }
          }
        })();
      },
      { address: ADDRESS, mark: MARK },
    );
    await b.waitForFunction(() => (keypears.writes?.length ?? 0) >= 5);
    await a.close();
    await b.waitForFunction(() => keypears.writes?.length === 40, undefined, { timeout: 30_000 });
    const writes = await b.evaluate(() => keypears.writes ?? []);
    const failed = writes.filter((w) => !w.ok);
    assert.ok(
      failed.every((w) => w.failure === "owner-lost"),
      `a write fails only as owner-lost, never silently: ${JSON.stringify(failed)}`,
    );
    assert.ok(
      failed.length <= 1,
      "at most the one write in flight when the owner closed is in doubt",
    );
    // The writes may all have been served before A's close released the lock: wait for the
    // election (a role message in one of the remaining tabs), then check it named exactly one.
    await Promise.any(
      [b, c].map((tab) =>
        tab.waitForFunction(() => keypears.vault.isOwner(), undefined, { timeout: 30_000 }),
      ),
    );
    const newOwner = await Promise.all(
      [b, c].map((tab) => tab.evaluate(() => keypears.vault.isOwner())),
    );
    assert.equal(newOwner.filter(Boolean).length, 1, "exactly one of the remaining tabs took over");

    // Reload C: its new worker gets the unlocked session from the owner; no password needed.
    await c.reload();
    await c.waitForFunction(() => typeof keypears === "object");
    await watchList(c);

    const acknowledged = writes.filter((w) => w.ok).map((w) => w.title);
    const inDoubt = failed.map((w) => w.title);
    const stored = await titles(b);
    for (const title of [...three, ...acknowledged])
      assert.ok(stored.includes(title), `${title} was acknowledged and is stored`);
    assert.ok(
      stored.every((t) => three.includes(t) || acknowledged.includes(t) || inDoubt.includes(t)),
      "nothing unexpected is stored",
    );
    for (const tab of [b, c]) await waitForLive(tab, stored);
    assert.deepEqual(await lastLive(c), [...stored].sort());

    // Lock from one tab: every tab's live query hears of it.
    const lockedSeen = c.evaluate(
      (address) =>
        new Promise<string>((resolve) => {
          keypears.vault.watch(
            address,
            { kind: "conflicts" },
            () => {},
            (failure) => resolve(failure.kind),
          );
        }),
      ADDRESS,
    );
    await b.evaluate((address) => keypears.vault.lock(address), ADDRESS);
    assert.equal(await lockedSeen, "locked");
  } finally {
    await browser.close();
  }
  const leaks = filesUnder(browser.profileDir).filter((path) => readFileSync(path).includes(MARK));
  assert.deepEqual(leaks, [], "no file of the browser profile holds a value written in plaintext");
  const holdsAddress = filesUnder(browser.profileDir).filter(
    (path) => path.includes("File System") && readFileSync(path).includes(ADDRESS),
  );
  assert.ok(
    holdsAddress.length > 0,
    "the scan reads the vault's OPFS files (the account's address is stored there in the clear)",
  );
  browser.removeProfile();
});
