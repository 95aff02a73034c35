/**
 * Three tabs of the web app open at once stay consistent: an edit, an addition and a trashing in
 * any one of them shows in the other two without a reload; closing the tab that owns the database
 * hands it on without losing a change; locking in one tab locks the others.
 */

import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { launchChromium } from "@keypears/vault-browser/testing";
import { addLogin, createLocalAccount, startWebFixture, type WebFixture } from "./web-fixture.ts";

let fixture: WebFixture;
before(async () => {
  fixture = await startWebFixture();
});
after(async () => {
  await fixture?.close();
});

const items = (page: Page) => page.getByRole("region", { name: "Items" });

const openItem = async (page: Page, title: string): Promise<void> => {
  await page.getByRole("button", { name: "Items", exact: true }).click();
  await items(page).getByRole("button", { name: title }).click();
  await page.getByRole("heading", { name: title, level: 2 }).waitFor();
};

test("three tabs: a change in any tab shows in the others without a reload; a lock locks them all", async () => {
  const browser = await launchChromium();
  try {
    const password = "amber lighthouse on the dune";
    const first = await browser.context.newPage();
    await createLocalAccount(first, fixture.url, { name: "tess", password });
    await addLogin(first, { title: "Alpha", username: "alpha-start" });
    const [second, third] = [await browser.context.newPage(), await browser.context.newPage()];
    for (const tab of [second, third]) {
      await tab.goto(fixture.url);
      // The other tabs share the unlocked vault: no password typed again.
      await tab.getByRole("button", { name: "Lock", exact: true }).waitFor({ timeout: 30_000 });
      await items(tab).getByRole("button", { name: /Alpha/ }).waitFor();
    }

    // An edit in the second tab shows in the first and third, each with the item open.
    await openItem(first, "Alpha");
    await openItem(third, "Alpha");
    await openItem(second, "Alpha");
    await second.getByRole("button", { name: "Edit" }).click();
    await second.getByLabel("Username").fill("from-second-tab");
    await second.getByRole("button", { name: "Save" }).click();
    for (const tab of [first, third])
      await tab.getByLabel("Username value").filter({ hasText: "from-second-tab" }).waitFor();

    // An item added in the third shows in the others' lists; trashed in the first, it leaves them.
    await addLogin(third, { title: "Beta", username: "beta-user" });
    for (const tab of [first, second]) {
      await tab.getByRole("button", { name: "Items", exact: true }).click();
      await items(tab).getByRole("button", { name: /Beta/ }).waitFor();
    }
    await openItem(first, "Beta");
    await first.getByRole("button", { name: "Move to trash" }).click();
    for (const tab of [second, third]) {
      await tab.getByRole("button", { name: "Items", exact: true }).click();
      await items(tab).getByRole("button", { name: /Beta/ }).waitFor({ state: "detached" });
    }

    // The first tab (which created the vault, so owned the database) closes: the others go on.
    await first.close();
    await openItem(second, "Alpha");
    await second.getByRole("button", { name: "Edit" }).click();
    await second.getByLabel("Username").fill("after-the-owner-left");
    await second.getByRole("button", { name: "Save" }).click();
    await openItem(third, "Alpha");
    await third
      .getByLabel("Username value")
      .filter({ hasText: "after-the-owner-left" })
      .waitFor({ timeout: 30_000 });

    // Lock in one tab: every tab shows the unlock screen.
    await third.getByRole("button", { name: "Lock", exact: true }).click();
    for (const tab of [second, third])
      await tab.getByRole("heading", { name: "Unlock" }).waitFor({ timeout: 30_000 });
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
