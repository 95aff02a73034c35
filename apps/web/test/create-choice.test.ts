/**
 * Where a new account lives is the person's choice: the server's answer to discovery, which
 * arrives after the form shows, makes "On this server" the default only while nothing was chosen.
 * Here the answer is held back until "Only in this browser" was picked (a slow network, or a
 * quick person); the account is made in this browser alone, and nothing reaches the server.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
import { passKitAndUnlock, startWebFixture, type WebFixture } from "./web-fixture.ts";

let fixture: WebFixture;
before(async () => {
  fixture = await startWebFixture();
});
after(async () => {
  await fixture?.close();
});

test("a choice of 'Only in this browser' made before the server answers discovery stands", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = false;
    await page.route("**/.well-known/keypears.json", async (route) => {
      asked = true;
      await held;
      await route.continue();
    });
    await page.goto(fixture.url);
    const local = page.getByLabel("Only in this browser");
    await local.check();
    const password = "slow tide under the bridge";
    await page.getByLabel("Name", { exact: true }).fill("nora");
    await page.getByLabel("Master password", { exact: true }).fill(password);
    await page.getByLabel("Confirm master password").fill(password);
    assert.ok(asked, "the form asked the server for its domain");
    release();
    // The server's choice appears once it answered; the person's choice is still the one checked.
    await page.getByLabel("On this server (syncs between devices)").waitFor({ timeout: 30_000 });
    assert.equal(await local.isChecked(), true);
    await page.getByRole("button", { name: "Create account" }).click();
    await passKitAndUnlock(page, password);
    await page.getByText("nora@localhost").first().waitFor({ timeout: 30_000 });
  } finally {
    await browser.close();
  }
});
