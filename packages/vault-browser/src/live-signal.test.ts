/**
 * A signal-only live query (`watchChanges`) in Chromium: the page hears that the result changed,
 * exactly when a full watch of the same query gets a new result, and never receives the result.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { launchChromium, serveTestPage } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: {
  vault: VaultClient;
  /** Per watch: the arguments each signal came with (none expected), or each full result's size. */
  seen?: Record<string, number[]>;
};

const ADDRESS = "signal@localhost";
const PASSWORD = "correct horse battery staple";

const site = serveTestPage();

const counts = (page: Page): Promise<Record<string, number[]>> =>
  page.evaluate(() => keypears.seen ?? {});

/** Waits until every watch has heard as often as `expected` says (and checks nothing more came). */
const settle = async (page: Page, expected: Record<string, number>): Promise<void> => {
  await page.waitForFunction(
    (want) => Object.entries(want).every(([name, n]) => (keypears.seen?.[name]?.length ?? 0) >= n),
    expected,
    { timeout: 20_000 },
  );
  // A signal that should not come would come with the same commit notice: give it a moment.
  await page.waitForTimeout(300);
  const seen = await counts(page);
  for (const [name, n] of Object.entries(expected))
    assert.equal(seen[name]?.length, n, `${name}: ${JSON.stringify(seen[name])}`);
};

test("watchChanges signals exactly when the watched result changed, without the result", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof keypears === "object");
    const ids = await page.evaluate(
      async ({ address, password }) => {
        const made = await keypears.vault.createAccount({ address, password });
        if (!made.ok) throw new Error(made.error.kind);
        const unlocked = await keypears.vault.unlock(address, password);
        if (!unlocked.ok) throw new Error(unlocked.error.kind);
        const a = await keypears.vault.add(address, { fields: { title: "A", username: "a" } });
        const b = await keypears.vault.add(address, { fields: { title: "B", username: "b" } });
        if (!a.ok || !b.ok) throw new Error("not added");
        return { a: a.value.id, b: b.value.id };
      },
      { address: ADDRESS, password: PASSWORD },
    );
    await page.evaluate(
      ({ address, a }) => {
        const seen: Record<string, number[]> = { list: [], itemA: [], fullA: [] };
        keypears.seen = seen;
        keypears.vault.watchChanges(address, { kind: "list", filter: {} }, (...args: unknown[]) =>
          seen.list?.push(args.length),
        );
        keypears.vault.watchChanges(address, { kind: "item", ref: a }, (...args: unknown[]) =>
          seen.itemA?.push(args.length),
        );
        keypears.vault.watch(address, { kind: "item", ref: a }, () => seen.fullA?.push(1));
      },
      { address: ADDRESS, a: ids.a },
    );
    await settle(page, { list: 1, itemA: 1, fullA: 1 });

    const edit = (id: string, username: string) =>
      page.evaluate(
        async ({ address, id, username }) =>
          (await keypears.vault.edit(address, id, { username })).ok,
        { address: ADDRESS, id, username },
      );
    assert.ok(await edit(ids.b, "b2"));
    await settle(page, { list: 2, itemA: 1, fullA: 1 });
    assert.ok(await edit(ids.a, "a2"));
    await settle(page, { list: 3, itemA: 2, fullA: 2 });
    // A commit that changes no item (the same value written again changes nothing listed).
    await page.evaluate(async ({ address }) => keypears.vault.acknowledgeDevices(address, 0), {
      address: ADDRESS,
    });
    await settle(page, { list: 3, itemA: 2, fullA: 2 });

    const seen = await counts(page);
    assert.deepEqual(
      [...(seen.list ?? []), ...(seen.itemA ?? [])].filter((n) => n !== 0),
      [],
      "a signal carries nothing",
    );
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
