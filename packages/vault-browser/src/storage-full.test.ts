/**
 * A full quota in Chromium (the origin's quota lowered through the DevTools protocol): a write
 * that does not fit fails with `storage-full`, nothing of it is kept, earlier commits stay, and
 * with room again the next write is saved.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { launchChromium, serveTestPage } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: { vault: VaultClient };

const site = serveTestPage();

const ADDRESS = "quota@localhost";

test("a write the quota refuses fails with storage-full and loses nothing committed before", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => typeof keypears === "object");
    const usage = await page.evaluate(async (address) => {
      const { vault } = keypears;
      const password = "correct horse battery staple";
      const created = await vault.createAccount({ address, password });
      if (!created.ok) throw new Error(created.error.kind);
      const unlocked = await vault.unlock(address, password);
      if (!unlocked.ok) throw new Error(unlocked.error.kind);
      const kept = await vault.add(address, { fields: { title: "Kept", username: "before" } });
      if (!kept.ok) throw new Error(kept.error.kind);
      const storage = (
        globalThis as unknown as {
          navigator: { storage: { estimate: () => Promise<{ usage?: number }> } };
        }
      ).navigator.storage;
      return (await storage.estimate()).usage ?? 0;
    }, ADDRESS);
    const origin = new URL(site.url).origin;
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: usage + 256 * 1024 });

    const refused = await page.evaluate(async (address) => {
      // Random text, so nothing compresses it below the quota.
      const noise = (n: number): string =>
        Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16)).join("");
      const inputs = Array.from({ length: 200 }, (_, i) => ({
        type: "note" as const,
        fields: { title: `Big ${i}`, notes: noise(15_000) },
      }));
      try {
        const added = await keypears.vault.addMany(address, inputs);
        return added.ok ? "saved" : added.error.kind;
      } catch (error) {
        return (error as { failure?: { kind: string } }).failure?.kind ?? String(error);
      }
    }, ADDRESS);
    assert.equal(refused, "storage-full");

    await cdp.send("Storage.overrideQuotaForOrigin", { origin });
    const after = await page.evaluate(async (address) => {
      const { vault } = keypears;
      const added = await vault.add(address, {
        fields: { title: "After", username: "room again" },
      });
      return {
        added: added.ok,
        titles: (await vault.list(address)).map((item) => item.title).sort(),
      };
    }, ADDRESS);
    assert.deepEqual(after, { added: true, titles: ["After", "Kept"] });
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
