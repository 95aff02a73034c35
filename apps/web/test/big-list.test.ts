/**
 * 10,000 items in Chromium: the list keeps only the rows in view in the page (virtualized) and
 * scrolls from top to bottom frame by frame; filters by folder, tag and favourite narrow it. The
 * items are added through a second vault worker in the page (as another tab would), in one
 * transaction, so the test measures the list rather than 10,000 form submissions.
 */

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
import {
  checkScreen,
  createLocalAccount,
  startWebFixture,
  type WebFixture,
} from "./web-fixture.ts";

let fixture: WebFixture;
before(async () => {
  fixture = await startWebFixture();
});
after(async () => {
  await fixture?.close();
});

const COUNT = 10_000;

test("10,000 items: a virtualized list that scrolls smoothly; folder, tag and favourite filters", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await createLocalAccount(page, fixture.url, {
      name: "max",
      password: "granite orchard sleeps",
    });
    const workerFile = readdirSync(join(fixture.outDir, "assets")).find((name) =>
      name.startsWith("vault-worker-entry-"),
    );
    assert.ok(workerFile !== undefined);
    const added = await page.evaluate(
      async ({ url, count }) => {
        const worker = new Worker(url, { type: "module" });
        const inputs = Array.from({ length: count }, (_, i) => {
          const n = String(i).padStart(5, "0");
          return {
            type: "login",
            fields: {
              title: `Item ${n}`,
              username: `user${n}`,
              folder: i % 100 === 0 ? "Work" : "Home",
              tags: i % 1000 === 0 ? ["rare"] : ["common"],
              ...(i === 4242 ? { favorite: true } : {}),
            },
          };
        });
        const answer = await new Promise<{ ok: boolean }>((resolve) => {
          worker.addEventListener("message", (event: MessageEvent) => {
            const data = event.data as {
              type: string;
              id?: number;
              ok?: boolean;
              value?: { ok: boolean };
            };
            if (data.type === "result" && data.id === 1)
              resolve(data.ok === true ? (data.value ?? { ok: false }) : { ok: false });
          });
          worker.postMessage({
            type: "call",
            id: 1,
            method: "addMany",
            args: ["max@localhost", inputs],
          });
        });
        worker.terminate();
        return answer.ok;
      },
      { url: `/assets/${workerFile}`, count: COUNT },
    );
    assert.equal(added, true, "the 10,000 items were added");

    const list = page.getByRole("region", { name: "Items" });
    await list
      .getByRole("status")
      .filter({ hasText: `${COUNT} items` })
      .waitFor({ timeout: 60_000 });
    const rows = list.getByRole("listitem");
    assert.ok(
      (await rows.count()) < 60,
      `only the rows in view are in the page (${await rows.count()})`,
    );

    const frames = await page.evaluate(async () => {
      const box = document.querySelector(".virtual");
      if (box === null) throw new Error("no list");
      const times: number[] = [];
      let last = performance.now();
      while (box.scrollTop + box.clientHeight < box.scrollHeight - 1) {
        box.scrollTop += 4000;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    await list.getByRole("button", { name: /Item 09999/ }).waitFor();
    assert.ok((await rows.count()) < 60, "still only the rows in view at the bottom");
    const sorted = [...frames].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Infinity;
    assert.ok(frames.length > 100, `the scroll took many frames (${frames.length})`);
    assert.ok(median < 50, `median frame while scrolling ${median.toFixed(1)} ms`);
    await checkScreen(page, "big-list");

    await list.getByLabel("Folder").selectOption("Work");
    await list.getByRole("status").filter({ hasText: "100 items" }).waitFor();
    await list.getByLabel("Tag").selectOption("rare");
    await list.getByRole("status").filter({ hasText: "10 items" }).waitFor();
    await list.getByLabel("Folder").selectOption("");
    await list.getByLabel("Tag").selectOption("");
    await list.getByLabel("Favourites only").check();
    await list.getByRole("status").filter({ hasText: "1 item" }).waitFor();
    await list.getByRole("button", { name: /Item 04242/ }).waitFor();
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
