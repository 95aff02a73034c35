/**
 * Sharing in the web app between two real servers (`localhost:P1`, `localhost:P2`, each serving
 * the app): both accounts have their identity from creation; Alice shares an item from her browser
 * with Bob on the other server; Bob's open inbox shows it pushed (no poll, no reload) as from
 * Alice, he accepts it and sees the item with its secret; both compare safety numbers and mark
 * each other verified. An unknown address gets a clear error (a local-only account:
 * sharing-local.test.ts); when Bob's server substitutes his keys, Alice's sending stops with a
 * warning until she trusts the new keys; Bob blocks Alice, declines her share, and her next one is
 * refused by his server; he unblocks her. Screens scanned with axe.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { systemRandomBytes, type Address } from "@keypears/base";
import { appendKeyLogEntry, generateIdentity } from "@keypears/share";
import { createSyncClient, discoverServer, registerAccount } from "@keypears/sync-client";
import { createAccount } from "@keypears/vault";
import { launchChromium } from "@keypears/vault-browser/testing";
import {
  addLogin,
  buildWebApp,
  checkScreen,
  createServerAccount,
  startWebFixture,
  waitSynced,
  type WebFixture,
} from "./web-fixture.ts";

const PASSWORD = "copper kettle under the bridge";
const SECRET = "vault-door-pw-7731";

let outDir: string;
let one: WebFixture;
let two: WebFixture;
before(async () => {
  outDir = await buildWebApp();
  one = await startWebFixture({ localDomain: true, outDir });
  two = await startWebFixture({ localDomain: true, outDir });
});
after(async () => {
  await one?.close();
  await two?.close();
  rmSync(outDir, { recursive: true, force: true });
});

const domainOf = (fixture: WebFixture): string => new URL(fixture.url).host;

const openItem = async (page: Page, title: string): Promise<void> => {
  await page.getByRole("button", { name: "Items", exact: true }).click();
  await page.getByRole("region", { name: "Items" }).getByRole("button", { name: title }).click();
  await page.getByRole("heading", { name: title, level: 2 }).waitFor();
};

/** Opens the item's share form, fills it, sends; returns the form. */
const share = async (
  page: Page,
  title: string,
  to: string,
  options: { readonly message?: string } = {},
) => {
  await openItem(page, title);
  const form = page.getByRole("form", { name: `Share ${title}` });
  if ((await form.count()) === 0) await page.getByRole("button", { name: "Share" }).click();
  await form.getByLabel("Recipient address").fill(to);
  if (options.message !== undefined)
    await form.getByLabel("Message (optional)").fill(options.message);
  await form.getByRole("button", { name: "Send share" }).click();
  await form.getByRole("button", { name: "Send share" }).waitFor();
  return form;
};

const openSharing = async (page: Page) => {
  await page.getByRole("button", { name: "Sharing" }).click();
  await page.getByRole("heading", { name: "Sharing" }).waitFor();
};

test("Alice shares from her browser to Bob on another server; Bob accepts and sees the item", async () => {
  const aliceBrowser = await launchChromium();
  const bobBrowser = await launchChromium();
  try {
    const inaccessible: string[] = [];
    const alice = await aliceBrowser.context.newPage();
    const bob = await bobBrowser.context.newPage();
    const aliceAddress = `alice@${domainOf(one)}`;
    const bobAddress = `bob@${domainOf(two)}`;
    await createServerAccount(alice, one.url, { name: "alice", password: PASSWORD, device: "A" });
    await createServerAccount(bob, two.url, { name: "bob", password: PASSWORD, device: "B" });
    await addLogin(alice, { title: "Vault door", username: "alice", password: SECRET });
    await addLogin(alice, { title: "Wifi", password: "wifi-pw-4410" });
    await waitSynced(alice);

    // Both identities were made with the accounts, before either opened Sharing or shared.
    for (const [fixture, address] of [
      [one, aliceAddress],
      [two, bobAddress],
    ] as const) {
      const served = await fetch(
        `${fixture.server.server.apiUrl}/accounts/${encodeURIComponent(address)}/keys`,
      );
      assert.equal(served.status, 200, `${address}'s key log is published at creation`);
    }

    const unknown = await share(alice, "Vault door", `nobody@${domainOf(two)}`);
    await unknown
      .getByRole("alert")
      .filter({ hasText: "does not exist or has not set up sharing" })
      .waitFor({ timeout: 60_000 });

    // Bob's inbox is open before Alice sends: her share must arrive pushed (the app does not poll,
    // and nothing changes Bob's vault meanwhile to make it read the inbox again).
    await openSharing(bob);
    const bobOwn = bob.getByLabel("Your safety number");
    await bobOwn.filter({ hasText: /^\d{5}( \d{5}){11}$/ }).waitFor({ timeout: 60_000 });
    await bob.getByText("No shares waiting.").waitFor({ timeout: 60_000 });

    const sent = await share(alice, "Vault door", bobAddress, { message: "the vault door" });
    await sent
      .getByRole("status")
      .filter({ hasText: `Shared "Vault door" with ${bobAddress}` })
      .waitFor({ timeout: 60_000 });
    inaccessible.push(...(await checkScreen(alice, "share-form")));

    const entry = bob.getByRole("article", { name: `Share from ${aliceAddress}: Vault door` });
    await entry.waitFor({ timeout: 60_000 });
    await entry.getByText("“the vault door”").waitFor();
    await entry.getByText("safety number not compared").waitFor();
    inaccessible.push(...(await checkScreen(bob, "sharing-inbox")));
    await entry.getByRole("button", { name: "Accept" }).click();
    await bob.getByRole("heading", { name: "Vault door", level: 2 }).waitFor({ timeout: 60_000 });
    await bob.getByRole("button", { name: "Reveal Password" }).click();
    await bob.getByText(SECRET).waitFor();
    await bob.getByText(new RegExp(`^${aliceAddress} on `)).waitFor();

    // Safety numbers: what Bob sees for Alice is what Alice sees for herself; he marks it verified.
    await openSharing(alice);
    const aliceOwn = alice.getByLabel("Your safety number");
    await aliceOwn.filter({ hasText: /^\d{5}/ }).waitFor();
    await openSharing(bob);
    const contact = bob.getByRole("article", { name: `Contact ${aliceAddress}` });
    await contact.waitFor({ timeout: 30_000 });
    assert.equal(
      (await contact.locator(".safety-number").textContent())?.trim(),
      (await aliceOwn.textContent())?.trim(),
    );
    await contact.getByRole("button", { name: `Mark ${aliceAddress} verified` }).click();
    await contact.getByText("verified", { exact: true }).waitFor({ timeout: 30_000 });
    inaccessible.push(...(await checkScreen(bob, "sharing-contacts")));

    // Bob's server substitutes his keys: Alice's client catches it and sending stops.
    const [saved] = await two.server.server.sql.query<{ entries: string }>(
      "SELECT entries FROM key_logs WHERE account_id = (SELECT account_id FROM accounts WHERE address = $1)",
      [bobAddress],
    );
    const impostor = generateIdentity(systemRandomBytes);
    const fake = appendKeyLogEntry(
      bobAddress as Address,
      [],
      impostor,
      impostor.publicKeys,
      Date.now(),
    );
    await two.server.server.sql.query("UPDATE key_logs SET entries = $1 WHERE entries = $2", [
      JSON.stringify([fake]),
      saved?.entries ?? "",
    ]);
    const blocked = await share(alice, "Wifi", bobAddress);
    const warning = blocked.getByRole("alert").filter({ hasText: "this contact's keys changed" });
    await warning.waitFor({ timeout: 60_000 });
    assert.match(
      (await warning.textContent()) ?? "",
      new RegExp(`were replaced since you pinned them.*Sending to ${bobAddress} is stopped`),
    );
    inaccessible.push(...(await checkScreen(alice, "share-key-changed")));
    // The real log back, Alice compares numbers with Bob and trusts the keys again: sending works.
    await two.server.server.sql.query("UPDATE key_logs SET entries = $1 WHERE entries = $2", [
      saved?.entries ?? "",
      JSON.stringify([fake]),
    ]);
    await openSharing(alice);
    const bobContact = alice.getByRole("article", { name: `Contact ${bobAddress}` });
    alice.once("dialog", (dialog) => void dialog.accept());
    await bobContact.getByRole("button", { name: `Trust the new keys of ${bobAddress}` }).click();
    await bobContact.getByText("verified", { exact: true }).waitFor({ timeout: 30_000 });
    assert.equal(
      (await bobContact.locator(".safety-number").textContent())?.trim(),
      (await bobOwn.textContent())?.trim(),
    );
    const resent = await share(alice, "Wifi", bobAddress);
    await resent
      .getByRole("status")
      .filter({ hasText: `Shared "Wifi" with ${bobAddress}` })
      .waitFor({ timeout: 60_000 });

    // Bob blocks Alice from that share, then declines it: it is gone from the inbox, and not in his
    // items; what Alice sends next is refused by Bob's server and never reaches his inbox.
    const wifi = bob.getByRole("article", { name: `Share from ${aliceAddress}: Wifi` });
    await wifi.waitFor({ timeout: 60_000 });
    await wifi.getByRole("button", { name: `Block ${aliceAddress}` }).click();
    await bob
      .getByRole("status")
      .filter({ hasText: `Blocked ${aliceAddress}` })
      .waitFor({ timeout: 30_000 });
    const blockedList = bob.getByRole("list", { name: "Blocked senders" });
    await blockedList.getByRole("button", { name: `Unblock ${aliceAddress}` }).waitFor();
    inaccessible.push(...(await checkScreen(bob, "sharing-blocked")));
    await wifi.getByRole("button", { name: "Decline" }).click();
    await wifi.waitFor({ state: "detached" });
    await bob.getByText("No shares waiting.").waitFor();
    const refused = await share(alice, "Vault door", bobAddress);
    await refused
      .getByRole("status")
      .filter({ hasText: `Shared "Vault door" with ${bobAddress}` })
      .waitFor({ timeout: 60_000 });
    let outcome: { status?: unknown; last_error?: unknown } | undefined;
    const giveUpAt = Date.now() + 120_000;
    while (outcome?.status !== "failed") {
      assert.ok(Date.now() < giveUpAt, `the blocked share is still ${String(outcome?.status)}`);
      [outcome] = await one.server.server.sql.query(
        "SELECT status, last_error FROM share_outbox WHERE recipient = $1 ORDER BY created_at DESC LIMIT 1",
        [bobAddress],
      );
      if (outcome?.status === "delivered") assert.fail("a blocked sender's share was delivered");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(outcome.last_error, "BLOCKED");
    assert.equal(
      await bob.getByRole("article", { name: new RegExp(`^Share from ${aliceAddress}`) }).count(),
      0,
    );
    await bob.getByRole("button", { name: "Items", exact: true }).click();
    assert.equal(
      await bob
        .getByRole("region", { name: "Items" })
        .getByRole("button", { name: /Wifi/ })
        .count(),
      0,
    );
    // Unblocked: the list says so.
    await openSharing(bob);
    await blockedList.getByRole("button", { name: `Unblock ${aliceAddress}` }).click();
    await bob.getByText("Nobody is blocked.").waitFor({ timeout: 30_000 });
    assert.deepEqual(inaccessible, [], "axe-core finds no serious or critical violation");
  } finally {
    await aliceBrowser.close();
    await bobBrowser.close();
    aliceBrowser.removeProfile();
    bobBrowser.removeProfile();
  }
});

test("an account made without a sharing identity gets one when it is next unlocked in the web app", async () => {
  // Made and registered as before sharing existed: no identity in the vault, no key log served.
  const home = mkdtempSync(join(tmpdir(), "keypears-older-"));
  const address = `olga@${domainOf(one)}`;
  const keysUrl = `${one.server.server.apiUrl}/accounts/${encodeURIComponent(address)}/keys`;
  const browser = await launchChromium();
  try {
    const created = await createAccount({ home, address, password: PASSWORD, serverUrl: one.url });
    assert.ok(created.ok);
    const endpoint = await discoverServer(domainOf(one), one.url);
    assert.ok(endpoint.ok);
    const { vault, registration, secretKey } = created.value;
    assert.ok((await registerAccount(vault, registration, endpoint.value, "old laptop")).ok);
    assert.ok((await createSyncClient(vault, endpoint.value).syncOnce()).ok);
    vault.lock();
    assert.equal((await fetch(keysUrl)).status, 404, "no key log before");

    const page = await browser.context.newPage();
    await page.goto(one.url);
    await page.getByRole("button", { name: "Sign in with a Secret Key" }).click();
    await page.getByLabel("Address").fill(address);
    await page.getByLabel("Master password").fill(PASSWORD);
    await page.getByLabel("Secret Key").fill(secretKey);
    await page.getByLabel("Name of this device").fill("Browser");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("button", { name: "Lock", exact: true }).waitFor({ timeout: 60_000 });
    // Nothing opened Sharing: the unlock made the identity, in the background.
    const giveUpAt = Date.now() + 120_000;
    while ((await fetch(keysUrl)).status !== 200) {
      assert.ok(Date.now() < giveUpAt, "the unlock published no key log within 2 minutes");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await openSharing(page);
    await page
      .getByLabel("Your safety number")
      .filter({ hasText: /^\d{5}( \d{5}){11}$/ })
      .waitFor({ timeout: 60_000 });
  } finally {
    await browser.close();
    browser.removeProfile();
    rmSync(home, { recursive: true, force: true });
  }
});
