import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildTestBundle,
  launchChromium,
  NODE_TEST_ALIASES,
  serveStatic,
} from "./testing/chromium.ts";
import type { TestOutcome } from "./testing/node-test-shim.ts";

declare const contract: readonly TestOutcome[] | undefined;

test("the shared EventStore contract passes in Chromium, on SQLite WASM in OPFS", async () => {
  const bundle = await buildTestBundle(
    new URL("./testing/contract-page.ts", import.meta.url).pathname,
    { aliases: NODE_TEST_ALIASES },
  );
  const site = await serveStatic(bundle.dir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof contract === "object", undefined, { timeout: 60_000 });
    const outcomes = await page.evaluate(() => contract ?? []);
    const failed = outcomes.filter((o) => !o.ok);
    assert.deepEqual(failed, [], "every contract test passes");
    assert.ok(outcomes.length >= 13, `the whole contract ran (${outcomes.length} tests)`);
  } finally {
    await browser.close();
    browser.removeProfile();
    await site.close();
    bundle.dispose();
  }
});
