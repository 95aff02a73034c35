import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { buildTestBundle, launchChromium, serveStatic } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: { vault: VaultClient };

let bundle: Awaited<ReturnType<typeof buildTestBundle>>;
let site: Awaited<ReturnType<typeof serveStatic>>;

before(async () => {
  bundle = await buildTestBundle(new URL("./testing/test-page.ts", import.meta.url).pathname);
  site = await serveStatic(bundle.dir);
});
after(async () => {
  await site?.close();
  bundle?.dispose();
});

const open = async (
  context: Awaited<ReturnType<typeof launchChromium>>["context"],
): Promise<Page> => {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(site.url);
  await page.waitForFunction(() => typeof keypears === "object");
  return page;
};

test("a vault in Chromium: create, unlock, add, list, reload, still there", async () => {
  const browser = await launchChromium();
  try {
    const page = await open(browser.context);
    const result = await page.evaluate(async () => {
      const { vault } = keypears;
      const created = await vault.createAccount({
        address: "alice@localhost",
        password: "correct horse battery staple",
      });
      if (!created.ok) return { error: created.error };
      const unlocked = await vault.unlock("alice@localhost", "correct horse battery staple");
      if (!unlocked.ok) return { error: unlocked.error };
      const added = await vault.add("alice@localhost", {
        fields: { title: "GitHub", username: "alice", password: "s3cret" },
      });
      const list = await vault.list("alice@localhost");
      return { added: added.ok, titles: list.map((item) => item.title) };
    });
    assert.deepEqual(result, { added: true, titles: ["GitHub"] });
    await page.reload();
    await page.waitForFunction(() => typeof keypears === "object");
    const after = await page.evaluate(async () => {
      const { vault } = keypears;
      const unlocked = await vault.unlock("alice@localhost", "correct horse battery staple");
      if (!unlocked.ok) return [];
      return (await vault.list("alice@localhost")).map((item) => item.title);
    });
    assert.deepEqual(after, ["GitHub"]);
  } finally {
    await browser.close();
  }
});
