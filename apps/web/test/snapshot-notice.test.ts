/**
 * The web app says when the server did not store this browser's snapshot (here: a server whose
 * snapshot limit the vault is over), and keeps saying it while live sync goes on, until a later
 * sync stores one: without it every new device replays the whole history, and nothing else shows
 * that. In Debian's Chromium, against a real server, driven by role and label.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
import { cliDevice } from "./cli-device.ts";
import {
  createServerAccount,
  startWebFixture,
  syncStatus,
  waitSynced,
  type WebFixture,
} from "./web-fixture.ts";

/** The sync client writes a snapshot once the verified log has grown by this many events. */
const SNAPSHOT_EVERY = 1000;
const LIMIT = 1024;
const PASSWORD = "lantern over the salt marsh";

let fixture: WebFixture;
const fileDir = mkdtempSync(join(tmpdir(), "keypears-snapshot-notice-"));
before(async () => {
  fixture = await startWebFixture({ server: { limits: { maxSnapshotBytes: LIMIT } } });
});
after(async () => {
  await fixture?.close();
  rmSync(fileDir, { recursive: true, force: true });
});

/** A Chrome password export of `count` logins: one new item, so one event, each. */
const chromeCsv = (count: number): string => {
  const rows = ["name,url,username,password,note"];
  for (let i = 0; i < count; i++)
    rows.push(`site${i}.example,https://site${i}.example/login,user${i},pw-${i}-x7,`);
  return `${rows.join("\n")}\n`;
};

test("a snapshot the server refused is shown on the Sync screen, and stays shown while live sync goes on", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const secretKey = await createServerAccount(page, fixture.url, {
      name: "sam",
      password: PASSWORD,
      device: "Browser",
    });
    await waitSynced(page);

    // Enough changes for a snapshot, in one import.
    await page
      .getByRole("navigation", { name: "Vault" })
      .getByRole("button", { name: /^Import(,|$)/ })
      .click();
    const file = join(fileDir, "chrome.csv");
    writeFileSync(file, chromeCsv(SNAPSHOT_EVERY));
    await page.getByLabel("Export file").setInputFiles(file);
    await page.getByRole("button", { name: /^Import 1,?000 items$/ }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^Imported 1,?000 items/ })
      .waitFor({ timeout: 120_000 });
    await waitSynced(page, 120_000);

    await page.getByRole("button", { name: "Sync", exact: true }).click();
    const notice = page
      .getByRole("status")
      .filter({ hasText: /^Snapshot: this device's snapshot was not stored on the server/ });
    await notice.waitFor({ timeout: 60_000 });
    const said = (await notice.textContent()) ?? "";
    assert.match(said, new RegExp(`the limit is ${LIMIT}`));
    assert.match(said, /new devices will replay the whole history/);

    // Another device's change: live sync here pulls it, with nothing to say about snapshots (it is
    // not tried again until the log has grown as much again). The notice stays.
    const terminal = cliDevice(join(fileDir, "terminal"), PASSWORD);
    await terminal.ok(
      ["login", "sam@example.test", "--server", fixture.url, "--device-name", "Terminal"],
      { KEYPEARS_SECRET_KEY: secretKey },
    );
    await terminal.ok(["add", "--title", "From the terminal"]);
    await terminal.ok(["sync"]);
    await page
      .getByRole("navigation", { name: "Vault" })
      .getByRole("button", { name: /^Items(,|$)/ })
      .click();
    await page.getByRole("region", { name: "Items" }).getByText("From the terminal").waitFor({
      timeout: 60_000,
    });
    await page.getByRole("button", { name: "Sync", exact: true }).click();
    assert.equal(await notice.count(), 1, "the notice is still shown after live sync ran again");
    // And after a sync asked for here.
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.getByText("Synced.", { exact: true }).waitFor();
    assert.equal(await notice.count(), 1, "the notice is still shown after Sync now");
    assert.match(await syncStatus(page).innerText(), /^Synced/);
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
