/**
 * Three devices of one account: two Chromium profiles running the web app and the real
 * `keypears` CLI, through a real server. Offline edits of different fields on two of them both
 * survive; a same-field conflict shows on all three and is resolved in the web app, and the CLI
 * sees the resolution; history names the devices; the CLI is revoked from the Devices screen and
 * can no longer sync. The profiles hold no plaintext of what was typed. Screens scanned with axe.
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
  plaintextLeaks,
  startWebFixture,
  unlockAs,
  waitSynced,
  type WebFixture,
} from "./web-fixture.ts";

const PASSWORD = "marble falcon over the quay";

let fixture: WebFixture;
let cliHome: string;
before(async () => {
  fixture = await startWebFixture();
  cliHome = mkdtempSync(join(tmpdir(), "keypears-cli-"));
});
after(async () => {
  await fixture?.close();
  rmSync(cliHome, { recursive: true, force: true });
});

const cliDeviceOf = () => cliDevice(cliHome, PASSWORD);
const cli = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
  cliDeviceOf().run(args, env);
const cliOk = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
  cliDeviceOf().ok(args, env);

const openItem = async (page: Page, title: string): Promise<void> => {
  await page.getByRole("button", { name: "Items", exact: true }).click();
  await page.getByRole("region", { name: "Items" }).getByRole("button", { name: title }).click();
  await page.getByRole("heading", { name: title }).waitFor();
};

const editField = async (page: Page, title: string, label: string, value: string) => {
  await openItem(page, title);
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { name: title }).waitFor();
};

test("two browsers and the CLI: offline edits merge, a conflict is resolved in the web app and reaches the CLI, the CLI is revoked from the web app", async () => {
  const laptop = await launchChromium();
  const phone = await launchChromium();
  try {
    const inaccessible: string[] = [];
    const a = await laptop.context.newPage();
    await a.setViewportSize({ width: 1280, height: 800 });
    const secretKey = await createServerAccount(a, fixture.url, {
      name: "carol",
      password: PASSWORD,
      device: "Laptop browser",
    });
    const address = "carol@example.test";
    await addLogin(a, { title: "Shared", username: "carol-start", password: "first-pw-5521" });
    await waitSynced(a);

    await cliOk(["login", address, "--server", fixture.url, "--device-name", "Terminal"], {
      KEYPEARS_SECRET_KEY: secretKey,
    });
    const b = await phone.context.newPage();
    await b.setViewportSize({ width: 360, height: 740 });
    await b.goto(fixture.url);
    await b.getByRole("button", { name: "Sign in with a Secret Key" }).click();
    await b.getByLabel("Address").fill(address);
    await b.getByLabel("Master password").fill(PASSWORD);
    await b.getByLabel("Secret Key").fill(secretKey);
    await b.getByLabel("Name of this device").fill("Phone browser");
    await b.getByRole("button", { name: "Sign in", exact: true }).click();
    await b.getByRole("button", { name: "Lock", exact: true }).waitFor({ timeout: 30_000 });
    await b
      .getByRole("region", { name: "Items" })
      .getByRole("button", { name: /Shared/ })
      .waitFor({
        timeout: 30_000,
      });

    // Offline, the two browsers change different fields of the item: both changes survive.
    await laptop.context.setOffline(true);
    await phone.context.setOffline(true);
    await editField(a, "Shared", "Password", "laptop-pw-8812");
    await editField(b, "Shared", "Notes", "phone-note-4410");
    await laptop.context.setOffline(false);
    await phone.context.setOffline(false);
    await waitSynced(a);
    await waitSynced(b);
    await a.getByText("phone-note-4410").waitFor({ timeout: 30_000 });
    await b.getByRole("button", { name: "Reveal Password" }).click();
    await b.getByText("laptop-pw-8812").waitFor({ timeout: 30_000 });
    await cliOk(["sync"]);
    assert.equal((await cliOk(["get", "Shared", "--field", "notes"])).trim(), "phone-note-4410");
    assert.equal((await cliOk(["get", "Shared", "--field", "password"])).trim(), "laptop-pw-8812");

    // The same field on the laptop (offline) and in the CLI: a conflict on all three.
    await laptop.context.setOffline(true);
    await editField(a, "Shared", "Username", "laptop-user-3307");
    await cliOk(["edit", "Shared", "--username", "terminal-user-9021"]);
    await cliOk(["sync"]);
    await laptop.context.setOffline(false);
    await a.getByRole("button", { name: "Conflicts (1)" }).waitFor({ timeout: 30_000 });
    await b.getByRole("button", { name: "Conflicts (1)" }).waitFor({ timeout: 30_000 });
    await cliOk(["sync"]);
    const listed = JSON.parse(await cliOk(["conflicts", "--json"])) as { field: string }[];
    assert.deepEqual(
      listed.map((c) => c.field),
      ["username"],
    );

    await b.getByRole("button", { name: "Conflicts (1)" }).click();
    await b.getByRole("article", { name: "Shared: Username" }).waitFor();
    inaccessible.push(...(await checkScreen(b, "conflicts")));
    await a.getByRole("button", { name: "Conflicts (1)" }).click();
    const card = a.getByRole("article", { name: "Shared: Username" });
    await card.getByText("laptop-user-3307").waitFor();
    await card.getByText("terminal-user-9021").waitFor();
    inaccessible.push(...(await checkScreen(a, "conflicts")));
    await card.getByRole("button", { name: /Keep this one \(from Terminal/ }).click();
    await a.getByRole("status").filter({ hasText: "No conflicts" }).waitFor();
    await b.getByRole("status").filter({ hasText: "No conflicts" }).waitFor({ timeout: 30_000 });
    await waitSynced(a);
    await cliOk(["sync"]);
    assert.deepEqual(JSON.parse(await cliOk(["conflicts", "--json"])), []);
    assert.equal(
      (await cliOk(["get", "Shared", "--field", "username"])).trim(),
      "terminal-user-9021",
    );

    // History: every value of the username, when, and on which device by name.
    await openItem(a, "Shared");
    await a.getByRole("button", { name: "History" }).click();
    const usernames = a.getByRole("region", { name: "Username history" });
    await usernames.getByText("carol-start").waitFor();
    await usernames.getByText("laptop-user-3307").waitFor();
    await usernames
      .getByText(/on Terminal/)
      .first()
      .waitFor();
    await usernames
      .getByText(/on this browser \(Laptop browser\)/)
      .first()
      .waitFor();
    const passwords = a.getByRole("region", { name: "Password history" });
    assert.equal(await passwords.getByText("first-pw-5521").count(), 0, "secrets start hidden");
    inaccessible.push(...(await checkScreen(a, "history")));

    // Sync detail, then Devices: rename the phone, revoke the CLI.
    await a.getByRole("button", { name: "Sync", exact: true }).click();
    await a.getByText(/Log verified up to position/).waitFor();
    inaccessible.push(...(await checkScreen(a, "sync")));
    await a.getByRole("button", { name: "Devices" }).click();
    await a.getByRole("listitem", { name: "Terminal" }).waitFor();
    await a.getByLabel("Name of Phone browser").fill("Old phone");
    await a
      .getByRole("listitem", { name: "Phone browser" })
      .getByRole("button", { name: "Rename" })
      .click();
    await a.getByRole("listitem", { name: "Old phone" }).waitFor();
    inaccessible.push(...(await checkScreen(a, "devices")));
    await a.getByRole("button", { name: "Revoke Terminal" }).click();
    await a.getByLabel("Master password to revoke Terminal").fill(PASSWORD);
    await a.getByRole("button", { name: "Confirm revoking Terminal" }).click();
    await a
      .getByRole("listitem", { name: "Terminal" })
      .getByText("revoked", { exact: true })
      .waitFor();
    const refused = await cli(["sync"]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /revoked/);

    await b.setViewportSize({ width: 360, height: 740 });
    await b.getByRole("button", { name: "Devices" }).click();
    await b.getByRole("listitem", { name: "Old phone" }).waitFor();
    inaccessible.push(...(await checkScreen(b, "devices")));
    await b.getByRole("button", { name: "Sync", exact: true }).click();
    inaccessible.push(...(await checkScreen(b, "sync")));
    await openItem(b, "Shared");
    await b.getByRole("button", { name: "History" }).click();
    await b.getByRole("region", { name: "Username history" }).waitFor();
    inaccessible.push(...(await checkScreen(b, "history")));
    assert.deepEqual(inaccessible, [], "axe-core finds no serious or critical violation");

    await a.getByRole("button", { name: "Lock", exact: true }).click();
    await unlockAs(a, PASSWORD);
    await laptop.close();
    await phone.close();
    const typed = [
      "laptop-pw-8812",
      "phone-note-4410",
      "laptop-user-3307",
      "terminal-user-9021",
      "first-pw-5521",
      "carol-start",
    ];
    for (const profile of [laptop.profileDir, phone.profileDir])
      assert.deepEqual(plaintextLeaks(profile, typed), [], "no plaintext of what was typed");
  } finally {
    await laptop.close();
    await phone.close();
    laptop.removeProfile();
    phone.removeProfile();
  }
});
