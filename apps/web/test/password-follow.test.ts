/**
 * Device trust in the web app (issue 16), against a real server and the real `keypears` CLI as
 * the other device. A master password changed in the CLI: the browser shows "changed on another
 * device", refuses a wrong new password and changes nothing, then follows the right one (signs in
 * again as the same device with the Secret Key its file holds) and keeps syncing both ways; after
 * a reload the old password no longer unlocks it and the new one does. A device revoked from the
 * web app: the server's wrapped epoch keys are brought up to date, so a device that signs in later
 * with the password and Secret Key reads what the browser wrote after the revocation. A browser
 * revoked in its turn (its salt unchanged) says "revoked" and asks for no password. After
 * `passwd --new-secret-key` the Secret Key the browser holds is refused and the new one signs it in.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { launchChromium } from "@keypears/vault-browser/testing";
import { cliDevice } from "./cli-device.ts";
import {
  addLogin,
  checkScreen,
  createServerAccount,
  startWebFixture,
  syncStatus,
  unlockAs,
  waitSynced,
  type WebFixture,
} from "./web-fixture.ts";

const OLD = "marble falcon over the quay";
const NEW = "a newer master password for the quay";

let fixture: WebFixture;
const homes: string[] = [];
before(async () => {
  fixture = await startWebFixture();
});
after(async () => {
  await fixture?.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const newHome = (): string => {
  const home = mkdtempSync(join(tmpdir(), "keypears-cli-"));
  homes.push(home);
  return home;
};

const itemShows = (page: Page, title: string) =>
  page
    .getByRole("region", { name: "Items" })
    .getByRole("button", { name: new RegExp(title) })
    .waitFor({ timeout: 30_000 });

const prompt = (page: Page) => page.getByRole("form", { name: "Master password changed" });

test("a password changed in the CLI: the web app asks for the new one, refuses a wrong one, follows the right one, and only the new one unlocks it after", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const secretKey = await createServerAccount(page, fixture.url, {
      name: "dora",
      password: OLD,
      device: "Browser",
    });
    const address = "dora@example.test";
    await addLogin(page, { title: "Before the change" });
    await waitSynced(page);
    const home = newHome();
    await cliDevice(home, OLD).ok(
      ["login", address, "--server", fixture.url, "--device-name", "Terminal"],
      { KEYPEARS_SECRET_KEY: secretKey },
    );
    await cliDevice(home, OLD).ok(["passwd"], { KEYPEARS_NEW_PASSWORD: NEW });
    const terminal = cliDevice(home, NEW);

    // The server ended the browser's session; the salt changed: the prompt, not "revoked".
    await prompt(page).waitFor({ timeout: 60_000 });
    await prompt(page)
      .getByText(
        `The master password of ${address} was changed on another device. Enter the new one.`,
      )
      .waitFor();
    await syncStatus(page)
      .filter({ hasText: /^Sync stopped: the master password was changed on another device/ })
      .waitFor();
    assert.deepEqual(await checkScreen(page, "password-changed"), []);

    // A wrong new password is refused and changes nothing: the old password still unlocks.
    await prompt(page).getByLabel("New master password", { exact: true }).fill("not the new one");
    await prompt(page)
      .getByLabel("Previous master password (the one this browser was unlocked with)")
      .fill(OLD);
    await prompt(page).getByRole("button", { name: "Sign in again" }).click();
    await prompt(page)
      .getByRole("alert")
      .filter({
        hasText:
          /refused that password with the Secret Key this browser holds; nothing was changed/,
      })
      .waitFor({ timeout: 60_000 });
    // A wrong previous password is refused too, before any request to the server.
    await prompt(page).getByLabel("New master password", { exact: true }).fill(NEW);
    await prompt(page)
      .getByLabel("Previous master password (the one this browser was unlocked with)")
      .fill("not the old one");
    await prompt(page).getByRole("button", { name: "Sign in again" }).click();
    await prompt(page)
      .getByRole("alert")
      .filter({ hasText: /previous master password is wrong/ })
      .waitFor({ timeout: 60_000 });
    await page.reload();
    await unlockAs(page, OLD);
    await itemShows(page, "Before the change");

    // The right one: signed in again as the same device, syncing both ways.
    await prompt(page).waitFor({ timeout: 60_000 });
    await prompt(page).getByLabel("New master password", { exact: true }).fill(NEW);
    await prompt(page)
      .getByLabel("Previous master password (the one this browser was unlocked with)")
      .fill(OLD);
    await prompt(page).getByRole("button", { name: "Sign in again" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "from now on only the new password unlocks it in this browser" })
      .waitFor({ timeout: 60_000 });
    await terminal.ok(["add", "--title", "After the change"]);
    await terminal.ok(["sync"]);
    await itemShows(page, "After the change");
    await addLogin(page, { title: "From the browser after" });
    await waitSynced(page);
    await terminal.ok(["sync"]);
    assert.match(await terminal.ok(["list"]), /From the browser after/);
    const devices = await terminal.ok(["devices"]);
    assert.equal(
      devices.match(/Browser/g)?.length,
      1,
      `the same device, not a new one:\n${devices}`,
    );

    // After a reload the old password is refused; the new one unlocks.
    await page.reload();
    await page.getByLabel("Master password").fill(OLD);
    await page.getByRole("button", { name: "Unlock" }).last().click();
    await page.getByRole("alert").waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole("button", { name: "Lock", exact: true }).count(), 0);
    await unlockAs(page, NEW);
    await itemShows(page, "After the change");
    await waitSynced(page, 60_000);
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});

test("revoking a device in the web app sends the new epoch's key to the server: a device signing in later reads what was written after", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const secretKey = await createServerAccount(page, fixture.url, {
      name: "emil",
      password: OLD,
      device: "Browser",
    });
    const address = "emil@example.test";
    await addLogin(page, { title: "Before the revocation" });
    await waitSynced(page);
    const lost = cliDevice(newHome(), OLD);
    await lost.ok(["login", address, "--server", fixture.url, "--device-name", "Lost laptop"], {
      KEYPEARS_SECRET_KEY: secretKey,
    });
    await lost.ok(["sync"]);

    await page.getByRole("button", { name: "Devices" }).click();
    await page.getByRole("button", { name: "Revoke Lost laptop" }).click();
    // A wrong password revokes nothing.
    await page.getByLabel("Master password to revoke Lost laptop").fill("not the password");
    await page.getByRole("button", { name: "Confirm revoking Lost laptop" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "Wrong master password: Lost laptop was not revoked." })
      .waitFor({ timeout: 60_000 });
    await lost.ok(["sync"]);
    await page.getByLabel("Master password to revoke Lost laptop").fill(OLD);
    await page.getByRole("button", { name: "Confirm revoking Lost laptop" }).click();
    await page
      .getByRole("status")
      .filter({
        hasText: /Lost laptop is revoked\. A new vault key seals what is written from now on/,
      })
      .waitFor({ timeout: 60_000 });
    assert.equal((await lost.run(["sync"])).code, 1, "the revoked device can no longer sync");

    await addLogin(page, { title: "After the revocation", password: "after-revoke-5512" });
    await waitSynced(page);
    const later = cliDevice(newHome(), OLD);
    await later.ok(["login", address, "--server", fixture.url, "--device-name", "New laptop"], {
      KEYPEARS_SECRET_KEY: secretKey,
    });
    await later.ok(["sync"]);
    assert.equal(
      (await later.ok(["get", "After the revocation", "--field", "password"])).trim(),
      "after-revoke-5512",
    );

    // The browser revoked in its turn (the salt unchanged): "revoked", and no password prompt.
    const listed = JSON.parse(await later.ok(["devices", "--json"])) as {
      devices: { id: string; name: string }[];
    };
    const browserId = listed.devices.find((d) => d.name === "Browser")?.id ?? "";
    await later.ok(["devices", "revoke", browserId]);
    await syncStatus(page)
      .filter({ hasText: /^Sync refused: this device was revoked or signed out/ })
      .waitFor({ timeout: 60_000 });
    // The worker's answer (pre-login: salt unchanged) has had time to arrive: still no prompt.
    await page.waitForTimeout(3000);
    assert.equal(await prompt(page).count(), 0, "a revoked browser is not asked for a password");
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});

test("a password and Secret Key changed in the CLI: the Secret Key the browser holds is refused, the new one from the recovery kit signs it in again", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const secretKey = await createServerAccount(page, fixture.url, {
      name: "fritz",
      password: OLD,
      device: "Browser",
    });
    const address = "fritz@example.test";
    await waitSynced(page);
    const home = newHome();
    await cliDevice(home, OLD).ok(
      ["login", address, "--server", fixture.url, "--device-name", "Terminal"],
      { KEYPEARS_SECRET_KEY: secretKey },
    );
    const kit = await cliDevice(home, OLD).ok(["passwd", "--new-secret-key"], {
      KEYPEARS_NEW_PASSWORD: NEW,
    });
    const newSecretKey = /K1-[A-Z0-9-]+/.exec(kit)?.[0] ?? "";
    assert.notEqual(newSecretKey, "", "passwd --new-secret-key prints the new Secret Key");
    assert.notEqual(newSecretKey, secretKey);

    await prompt(page).waitFor({ timeout: 60_000 });
    await prompt(page).getByLabel("New master password", { exact: true }).fill(NEW);
    await prompt(page)
      .getByLabel("Previous master password (the one this browser was unlocked with)")
      .fill(OLD);
    await prompt(page).getByRole("button", { name: "Sign in again" }).click();
    await prompt(page)
      .getByRole("alert")
      .filter({ hasText: /the Secret Key of fritz@example\.test was changed too/ })
      .waitFor({ timeout: 60_000 });
    await prompt(page).getByLabel("New master password", { exact: true }).fill(NEW);
    await prompt(page)
      .getByLabel("Previous master password (the one this browser was unlocked with)")
      .fill(OLD);
    await prompt(page)
      .getByLabel("New Secret Key (only if it was changed too, from the new recovery kit)")
      .fill(newSecretKey);
    await prompt(page).getByRole("button", { name: "Sign in again" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "from now on only the new password unlocks it in this browser" })
      .waitFor({ timeout: 60_000 });
    const terminal = cliDevice(home, NEW);
    await terminal.ok(["add", "--title", "After the new Secret Key"]);
    await terminal.ok(["sync"]);
    await itemShows(page, "After the new Secret Key");
    await page.reload();
    await unlockAs(page, NEW);
    await itemShows(page, "After the new Secret Key");
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
