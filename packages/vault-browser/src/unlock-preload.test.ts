/**
 * Unlocking a vault of many items in Chromium: the owner opens their views with its helper worker
 * (`view-opener.ts`), and a live query started at once gets the whole list, once; on an edit, the
 * open item's result reaches the page before the list's.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { launchChromium, serveTestPage } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: {
  vault: VaultClient;
  /** What each watch received, in the order the page received it. */
  heard?: string[];
  firstRows?: readonly { readonly id: string; readonly title: string }[];
};

const ADDRESS = "preload@localhost";
const PASSWORD = "correct horse battery staple";
const ITEMS = 600;

const site = serveTestPage();

test("a vault of many items unlocks with its views opened by the helper worker; the open item's change reaches the page before the list's", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    const workers: string[] = [];
    page.on("worker", (worker) => workers.push(worker.url()));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof keypears === "object");
    const expected = await page.evaluate(
      async ({ address, password, count }) => {
        const made = await keypears.vault.createAccount({ address, password });
        if (!made.ok) throw new Error(made.error.kind);
        const unlocked = await keypears.vault.unlock(address, password);
        if (!unlocked.ok) throw new Error(unlocked.error.kind);
        const added = await keypears.vault.addMany(
          address,
          Array.from({ length: count }, (_, i) => ({
            type: "login" as const,
            fields: { title: `Item ${(count - i) % 97} ${i}`, username: `user${i}` },
          })),
        );
        if (!added.ok) throw new Error(added.error.kind);
        const listed = await keypears.vault.list(address);
        await keypears.vault.lock(address);
        return listed.map((item) => ({
          id: item.id,
          title: item.title,
          username: String(item.fields.find((f) => f.name === "username")?.value),
        }));
      },
      { address: ADDRESS, password: PASSWORD, count: ITEMS },
    );
    assert.equal(expected.length, ITEMS);

    // Unlocked again: the rows and one item are watched at once, as the vault screen does.
    await page.evaluate(
      async ({ address, password, id }) => {
        const heard: string[] = [];
        keypears.heard = heard;
        const unlocked = await keypears.vault.unlock(address, password);
        if (!unlocked.ok) throw new Error(unlocked.error.kind);
        keypears.vault.watch(address, { kind: "rows", filter: {} }, (rows) => {
          heard.push(`rows ${rows.length}`);
          keypears.firstRows ??= rows.map((row) => ({ id: row.id, title: row.title }));
        });
        keypears.vault.watch(address, { kind: "item", ref: id }, (item) =>
          heard.push(
            item.ok
              ? `item ${String(item.value.fields.find((f) => f.name === "username")?.value)}`
              : "item failed",
          ),
        );
      },
      { address: ADDRESS, password: PASSWORD, id: expected[0]?.id ?? "" },
    );
    await page.waitForFunction(() => (keypears.heard?.length ?? 0) >= 2, undefined, {
      timeout: 60_000,
    });
    assert.deepEqual(
      await page.evaluate(() => keypears.firstRows),
      expected.map(({ id, title }) => ({ id, title })),
      "the list after the unlock is the list before it, in order",
    );
    assert.ok(
      workers.some((url) => url.includes("view-opener-entry")),
      `the helper worker started: ${JSON.stringify(workers)}`,
    );

    await page.evaluate(
      async ({ address, id }) => {
        const edited = await keypears.vault.edit(address, id, { username: "changed" });
        if (!edited.ok) throw new Error(edited.error.kind);
      },
      { address: ADDRESS, id: expected[0]?.id ?? "" },
    );
    await page.waitForFunction(() => (keypears.heard?.length ?? 0) >= 4, undefined, {
      timeout: 20_000,
    });
    const heard = await page.evaluate(() => keypears.heard ?? []);
    assert.deepEqual(
      heard.slice(0, 2).sort(),
      [`item ${expected[0]?.username}`, `rows ${ITEMS}`].sort(),
    );
    assert.deepEqual(heard.slice(2), ["item changed", `rows ${ITEMS}`], "the item first");
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});

test("a vault locked while its items are still being opened: the live query waiting for them hears that it is locked", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof keypears === "object");
    const failures = await page.evaluate(
      async ({ address, password, count }) => {
        const made = await keypears.vault.createAccount({ address, password });
        if (!made.ok) throw new Error(made.error.kind);
        const first = await keypears.vault.unlock(address, password);
        if (!first.ok) throw new Error(first.error.kind);
        const added = await keypears.vault.addMany(
          address,
          Array.from({ length: count }, (_, i) => ({
            type: "login" as const,
            fields: { title: `Item ${i}`, username: `user${i}` },
          })),
        );
        if (!added.ok) throw new Error(added.error.kind);
        await keypears.vault.lock(address);
        const unlocked = await keypears.vault.unlock(address, password);
        if (!unlocked.ok) throw new Error(unlocked.error.kind);
        // Watched and locked at once: the items are still being opened.
        const heard: string[] = [];
        keypears.vault.watch(
          address,
          { kind: "rows", filter: {} },
          (rows) => heard.push(`rows ${rows.length}`),
          (failure) => heard.push(failure.kind),
        );
        await keypears.vault.lock(address);
        const deadline = Date.now() + 10_000;
        while (!heard.includes("locked") && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        return heard;
      },
      { address: "locked-early@localhost", password: PASSWORD, count: ITEMS },
    );
    assert.ok(failures.includes("locked"), `the watch heard: ${JSON.stringify(failures)}`);
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
