/**
 * A lying server, as the web app shows it: the app is served through the sync client's lying
 * proxy (a real server behind it), which then serves an older state than the browser verified.
 * The badge and the Sync screen say plainly that the server misbehaved and what to do, and the
 * vault here stays intact and usable.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
// The adversary fixture of the sync client's own lying-server suite (not a package export).
import {
  isPull,
  isPush,
  type LyingProxy,
  type PullPage,
  startLyingProxy,
} from "../../../packages/sync-client/src/testing/lying-proxy.ts";
import {
  addLogin,
  checkScreen,
  createServerAccount,
  startWebFixture,
  syncStatus,
  waitSynced,
  type WebFixture,
} from "./web-fixture.ts";

let fixture: WebFixture;
let proxy: LyingProxy;
before(async () => {
  fixture = await startWebFixture();
  proxy = await startLyingProxy(fixture.url);
});
after(async () => {
  await proxy?.close();
  await fixture?.close();
});

test("a server that rolls the log back raises the alarm in plain words; the vault here stays intact", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const password = "granite swallow over the weir";
    await createServerAccount(page, proxy.url, { name: "ivo", password, device: "Browser" });
    for (const title of ["One", "Two", "Three"]) await addLogin(page, { title });
    const verified = await waitSynced(page);

    // From now on the server answers every pull with the state at position 1, and places pushes
    // after it (a push answered at the positions after the browser's checkpoint would be
    // confirmed from that answer, with no pull: docs/PROTOCOL.md 10.4).
    let old: PullPage | undefined;
    proxy.attack = async (exchange, body, context) => {
      if (isPush(exchange)) {
        const answer = body as { events: { position: number }[]; head: { hash: string } };
        return {
          events: answer.events.map((event, i) => ({ ...event, position: 2 + i })),
          head: { position: 1 + answer.events.length, hash: answer.head.hash },
        };
      }
      if (!isPull(exchange)) return undefined;
      old ??= (await context.fetchJson(`${exchange.path}?after=0&limit=1`)) as PullPage;
      const first = old.events[0];
      if (first === undefined) return body;
      const head = { position: 1, hash: first.chainHash };
      return { anchor: head, events: [], head };
    };
    await addLogin(page, { title: "Four" });
    await syncStatus(page)
      .filter({ hasText: "Sync stopped: the server misbehaved" })
      .waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Sync", exact: true }).click();
    const alarm = page.getByRole("alert", { name: "The server misbehaved: sync is stopped" });
    await alarm.waitFor();
    const text = (await alarm.textContent()) ?? "";
    assert.match(
      text,
      new RegExp(
        `served an older state \\(head 1\\) than this device already verified \\(${verified}\\)`,
      ),
    );
    assert.match(text, /What to do:/);
    assert.match(text, /Keep using this device: your vault here is intact/);
    assert.match(text, /Tell whoever runs the server/);
    assert.deepEqual(await checkScreen(page, "sync-alarm"), []);

    // Nothing was lost here: the four items are listed and the log stays verified where it was.
    await page.getByRole("button", { name: "Items", exact: true }).click();
    for (const title of ["One", "Two", "Three", "Four"])
      await page
        .getByRole("region", { name: "Items" })
        .getByRole("button", { name: title })
        .waitFor();
    await page.getByRole("button", { name: "Sync", exact: true }).click();
    await page.getByText(`#${verified}`, { exact: true }).waitFor();
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
