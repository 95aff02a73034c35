import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { launchChromium, serveTestPage } from "./testing/chromium.ts";
import type { VaultClient } from "./vault-client.ts";

declare const keypears: { vault: VaultClient };

const site = serveTestPage();

const open = async (
  context: Awaited<ReturnType<typeof launchChromium>>["context"],
): Promise<Page> => {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(site.url);
  await page.waitForFunction(() => typeof keypears === "object");
  return page;
};

test("the vault core in Chromium: accounts, items, history, trash, search, errors that change nothing; it survives a reload", async () => {
  const browser = await launchChromium();
  try {
    const page = await open(browser.context);
    const result = await page.evaluate(async () => {
      const { vault } = keypears;
      const address = "alice@localhost";
      const password = "correct horse battery staple";
      const steps: Record<string, unknown> = {};
      const created = await vault.createAccount({ address, password });
      steps["created"] = created.ok && created.value.secretKey.startsWith("K1-");
      const again = await vault.createAccount({ address, password });
      steps["again"] = again.ok ? "ok" : again.error.kind;
      const wrong = await vault.unlock(address, "not the password");
      steps["wrong"] = wrong.ok ? "ok" : wrong.error.kind;
      try {
        await vault.list(address);
        steps["lockedList"] = "listed";
      } catch (error) {
        steps["lockedList"] = (error as { failure?: { kind: string } }).failure?.kind;
      }
      const unlocked = await vault.unlock(address, password);
      steps["unlocked"] = unlocked.ok && unlocked.value.unlocked;
      const added = await vault.add(address, {
        fields: { title: "GitHub", username: "alice", password: "one", tags: ["work"] },
      });
      await vault.add(address, { type: "note", fields: { title: "Wi-Fi", notes: "in the hall" } });
      steps["added"] = added.ok;
      const bad = await vault.add(address, { fields: { username: "no title" } });
      steps["bad"] = bad.ok ? "ok" : bad.error.kind;
      await vault.edit(address, "GitHub", { password: "two" });
      await vault.edit(address, "GitHub", { password: "three" });
      const history = await vault.history(address, "GitHub", "password");
      steps["history"] = history.ok
        ? history.value.fields[0]?.entries.map((e) => [e.value, e.current])
        : history.error.kind;
      steps["search"] = (await vault.list(address, { search: "git" })).map((i) => i.title);
      steps["tag"] = (await vault.list(address, { tag: "work" })).map((i) => i.title);
      await vault.trash(address, "Wi-Fi");
      steps["afterTrash"] = (await vault.list(address)).map((i) => i.title);
      steps["trash"] = (await vault.list(address, { trash: true })).map((i) => i.title);
      const restoreLive = await vault.restore(address, "GitHub");
      steps["restoreLive"] = restoreLive.ok ? "ok" : restoreLive.error.kind;
      await vault.restore(address, "Wi-Fi");
      await vault.trash(address, "Wi-Fi");
      await vault.purge(address, "Wi-Fi");
      steps["afterPurge"] = [
        ...(await vault.list(address)),
        ...(await vault.list(address, { trash: true })),
      ].map((i) => i.title);
      const missing = await vault.get(address, "Nope");
      steps["missing"] = missing.ok ? "ok" : missing.error.kind;
      steps["problems"] = (await vault.problems(address)).length;
      steps["conflicts"] = (await vault.conflicts(address)).length;
      steps["accounts"] = await vault.accounts();
      return steps;
    });
    assert.deepEqual(result, {
      created: true,
      again: "account-exists",
      wrong: "wrong-credentials",
      lockedList: "locked",
      unlocked: true,
      added: true,
      bad: "invalid-field",
      history: [
        ["one", false],
        ["two", false],
        ["three", true],
      ],
      search: ["GitHub"],
      tag: ["GitHub"],
      afterTrash: ["GitHub"],
      trash: ["Wi-Fi"],
      restoreLive: "invalid-choice",
      afterPurge: ["GitHub"],
      missing: "not-found",
      problems: 0,
      conflicts: 0,
      accounts: [{ address: "alice@localhost", serverUrl: null, localOnly: true, unlocked: true }],
    });
    await page.reload();
    await page.waitForFunction(() => typeof keypears === "object");
    const afterReload = await page.evaluate(async () => {
      const { vault } = keypears;
      const unlocked = await vault.unlock("alice@localhost", "correct horse battery staple");
      if (!unlocked.ok) return [];
      return (await vault.list("alice@localhost")).map((item) => [
        item.title,
        item.fields.find((f) => f.name === "password")?.value,
      ]);
    });
    assert.deepEqual(afterReload, [["GitHub", "three"]]);
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
