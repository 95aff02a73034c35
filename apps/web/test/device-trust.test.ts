/**
 * Device trust in the web app, with the real CLI enrolling as a second device: the notice "new
 * device NAME signed in at TIME from SERVER" until acknowledged (and not again after a reload),
 * the roster verified in the log on the Devices screen (enrolled, then revoked from the web app),
 * and the vault fingerprint on the Sync screen equal to the one `keypears status` shows.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
import { cliDevice } from "./cli-device.ts";
import {
  addLogin,
  checkScreen,
  createServerAccount,
  startWebFixture,
  unlockAs,
  waitSynced,
  type WebFixture,
} from "./web-fixture.ts";

const PASSWORD = "lantern orchard beneath the fog";

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

test("a CLI device enrolling shows as a new device; the roster and the vault fingerprint match the CLI's", async () => {
  const browser = await launchChromium();
  const cli = cliDevice(cliHome, PASSWORD);
  try {
    const page = await browser.context.newPage();
    const secretKey = await createServerAccount(page, fixture.url, {
      name: "dana",
      password: PASSWORD,
      device: "Desk browser",
    });
    await addLogin(page, { title: "Mail", password: "mail-pw-2231" });
    await waitSynced(page);
    const notice = page.getByRole("region", { name: /signed in$/ });
    assert.equal(await notice.count(), 0, "no notice for this browser's own enrolment");

    await cli.ok(
      ["login", "dana@example.test", "--server", fixture.url, "--device-name", "Terminal"],
      {
        KEYPEARS_SECRET_KEY: secretKey,
      },
    );
    await cli.ok(["sync"]);
    await notice.waitFor({ timeout: 30_000 });
    const text = (await notice.textContent()) ?? "";
    assert.match(
      text,
      new RegExp(
        `New device Terminal signed in at .+ from ${fixture.url.replace(/[.:/]/g, "\\$&")}`,
      ),
    );
    assert.match(text, /with the recovery kit/);
    assert.deepEqual(await checkScreen(page, "new-device"), []);

    // The fingerprint: the same code at the same position as `keypears status`.
    const position = await waitSynced(page);
    await cli.ok(["sync"]);
    const status = JSON.parse(await cli.ok(["status", "--json"])) as {
      verified: { position: number };
      fingerprint: { position: number; code: string } | null;
    };
    assert.equal(status.verified.position, position, "both devices verified the same log");
    assert.ok(status.fingerprint !== null);
    await page.getByRole("button", { name: "Sync", exact: true }).click();
    const shown = page.getByRole("definition").filter({ hasText: /at position #\d+$/ });
    assert.equal(
      (await shown.textContent())?.trim(),
      `${status.fingerprint.code} at position #${status.fingerprint.position}`,
    );

    // The roster on the Devices screen: both enrolled, in the log.
    await page.getByRole("button", { name: "Devices", exact: true }).click();
    const roster = page.getByRole("list", { name: "Devices in the vault's log" });
    await roster.getByText(/^Terminal enrolled$/).waitFor();
    await roster.getByText(/^Desk browser \(this browser\) enrolled$/).waitFor();
    assert.deepEqual(await checkScreen(page, "device-roster"), []);

    // Acknowledged, the notice goes, and stays gone after a reload and unlock.
    await notice.getByRole("button", { name: "That was me" }).click();
    await notice.waitFor({ state: "detached" });
    await page.reload();
    await unlockAs(page, PASSWORD);
    await waitSynced(page);
    await page.getByRole("button", { name: "Devices", exact: true }).click();
    await roster.getByText(/^Terminal enrolled$/).waitFor();
    assert.equal(await notice.count(), 0, "acknowledged enrolments are not news again");

    // Revoked from the web app: signed into the log, so the roster says so (here and in the CLI's).
    await page.getByRole("button", { name: "Revoke Terminal" }).click();
    await page.getByLabel("Master password to revoke Terminal").fill(PASSWORD);
    await page.getByRole("button", { name: "Confirm revoking Terminal" }).click();
    await roster.getByText(/^Terminal revoked$/).waitFor({ timeout: 30_000 });
    await waitSynced(page);
    const refused = await cli.run(["sync"]);
    assert.equal(refused.code, 1, "the revoked CLI can no longer sync");
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
