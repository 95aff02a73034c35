/**
 * Locking in Chromium: the idle time chosen in Settings locks every tab (time advanced with
 * Playwright's clock, so the test waits for no real minute); an unsaved edit is kept in memory
 * while the vault is unlocked (leaving the form loses nothing) and is gone after a lock; the
 * master password of a local account changes. Screens scanned with axe-core.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
import {
  addLogin,
  checkScreen,
  createLocalAccount,
  explained,
  plaintextLeaks,
  startWebFixture,
  unlockAs,
  type WebFixture,
} from "./web-fixture.ts";

let fixture: WebFixture;
before(async () => {
  fixture = await startWebFixture();
});
after(async () => {
  await fixture?.close();
});

test("idle auto-lock locks every tab; a draft survives leaving the form, not a lock; the master password changes", async () => {
  const browser = await launchChromium();
  try {
    await browser.context.clock.install();
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    const password = "quiet harbour at midnight";
    const inaccessible: string[] = [];
    await createLocalAccount(page, fixture.url, { name: "lena", password });
    await addLogin(page, { title: "Mailbox", username: "lena-mail" });

    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Username").fill("draft-username-7731");
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    inaccessible.push(...(await checkScreen(page, "settings")));
    await page.getByRole("button", { name: "Items", exact: true }).click();
    await page
      .getByRole("region", { name: "Items" })
      .getByRole("button", { name: /Mailbox/ })
      .click();
    await page.getByRole("button", { name: "Edit" }).click();
    assert.equal(await page.getByLabel("Username").inputValue(), "draft-username-7731");
    await page.getByRole("status").filter({ hasText: "Your unsaved changes are back" }).waitFor();

    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByLabel("Lock after inactivity").selectOption("1");
    const second = await browser.context.newPage();
    await second.goto(fixture.url);
    await second.getByRole("button", { name: "Lock", exact: true }).waitFor({ timeout: 30_000 });
    // Activity in one tab counts for all: 50 s, a key press, 50 s more is not idle for a minute.
    await browser.context.clock.fastForward(50_000);
    await second.keyboard.press("Shift");
    await browser.context.clock.fastForward(50_000);
    assert.equal(await page.getByRole("button", { name: "Lock", exact: true }).count(), 1);
    await browser.context.clock.fastForward(70_000);
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    await second.getByRole("heading", { name: "Unlock" }).waitFor();
    await second.close();

    await unlockAs(page, password);
    await page
      .getByRole("region", { name: "Items" })
      .getByRole("button", { name: /Mailbox/ })
      .click();
    await page.getByRole("button", { name: "Edit" }).click();
    assert.equal(
      await page.getByLabel("Username").inputValue(),
      "lena-mail",
      "the draft went with the lock",
    );
    await page.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByLabel("Lock after inactivity").selectOption("0");
    const next = "seven gulls over the pier";
    await page.getByLabel("Current master password").fill("not it at all");
    await page.getByLabel("New master password", { exact: true }).fill(next);
    await page.getByLabel("Confirm new master password").fill(next);
    await page.getByRole("button", { name: "Change the master password" }).click();
    await page.getByRole("alert").filter({ hasText: "wrong" }).waitFor({ timeout: 30_000 });
    await page.getByLabel("Current master password").fill(password);
    await page.getByRole("button", { name: "Change the master password" }).click();
    await explained(page, () =>
      page
        .getByRole("status")
        .filter({ hasText: "The master password is changed." })
        .waitFor({ timeout: 30_000 }),
    );
    await page.getByRole("button", { name: "Lock", exact: true }).click();
    // The settings' password fields stay until the worker has locked the vault.
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    await page.getByLabel("Master password").fill(password);
    await page.getByRole("button", { name: "Unlock" }).last().click();
    await page.getByRole("alert").filter({ hasText: "wrong" }).waitFor({ timeout: 30_000 });
    await unlockAs(page, next);
    assert.deepEqual(inaccessible, [], "axe-core finds no serious or critical violation");
    await browser.close();
    assert.deepEqual(
      plaintextLeaks(browser.profileDir, ["draft-username-7731", "lena-mail"]),
      [],
      "no file of the profile holds what was typed",
    );
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
