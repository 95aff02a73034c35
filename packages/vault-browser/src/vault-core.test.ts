/**
 * One suite, two platforms: the vault's own core tests (accounts, items, history, conflicts,
 * at-rest encryption) run here in Chromium, on SQLite WASM in OPFS, unchanged. Node runs the same
 * files with `scripts/run-tests.mjs`; here they are bundled with `node:test`/`node:assert` shims and
 * with their `testing/test-platform.ts` swapped for the browser's, and run one file at a time in
 * a dedicated worker. Each test is reported by name, and every test the files declare must have
 * run, so a file that silently registers nothing fails.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  buildTestBundle,
  launchChromium,
  NODE_TEST_ALIASES,
  serveStatic,
} from "./testing/chromium.ts";
import type { TestOutcome } from "./testing/node-test-shim.ts";

declare const outcomes: readonly TestOutcome[] | undefined;

/** The vault's core test files that take their platform from `testing/test-platform.ts`. */
const SHARED_FILES = [
  "account.test.ts",
  "vault.test.ts",
  "add-with-id.test.ts",
  "system-items.test.ts",
  "oversize-change.test.ts",
  "history-binding.test.ts",
  "two-devices.test.ts",
  "at-rest.test.ts",
  "ahead-signatures.test.ts",
];

const vaultSrc = new URL("../../vault/src/", import.meta.url).pathname;
const here = (name: string): string => new URL(name, import.meta.url).pathname;

/** How many tests a file declares (top-level `test(` / `it(` calls), read from its source. */
const declaredTests = (file: string): number =>
  readFileSync(`${vaultSrc}${file}`, "utf8").match(/^\s*(test|it)\(/gm)?.length ?? 0;

const workerSource = (): string =>
  [
    `import { runTestFile } from ${JSON.stringify(here("./testing/node-test-shim.ts"))};`,
    "const outcomes = [];",
    ...SHARED_FILES.flatMap((file) => [
      `console.log(${JSON.stringify(`vault core tests in Chromium: ${file}`)});`,
      `outcomes.push(...(await runTestFile(${JSON.stringify(file)}, () => import(${JSON.stringify(`${vaultSrc}${file}`)}))));`,
    ]),
    "postMessage(outcomes);",
  ].join("\n");

test("the vault's core tests pass in Chromium on OPFS, every one of them", async (t) => {
  for (const file of SHARED_FILES) {
    const source = readFileSync(`${vaultSrc}${file}`, "utf8");
    assert.match(source, /from "\.\/testing\/test-platform\.ts"/, `${file} takes its platform`);
    assert.doesNotMatch(
      source,
      /from "node:(fs|path|os|crypto)"|\bBuffer\./,
      `${file} is platform-free`,
    );
  }
  const bundle = await buildTestBundle([], {
    aliases: NODE_TEST_ALIASES,
    replace: [
      {
        find: /^\.\/testing\/test-platform\.ts$/,
        replacement: here("./testing/browser-test-platform.ts"),
      },
    ],
    worker: workerSource(),
  });
  const site = await serveStatic(bundle.dir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    page.on("console", (message) => console.error(`page ${message.type()}:`, message.text()));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof outcomes === "object", undefined, {
      timeout: 600_000,
    });
    const results = await page.evaluate(() => outcomes ?? []);
    for (const outcome of results) {
      await t.test(`Chromium: ${outcome.name}`, () => {
        if (!outcome.ok) assert.fail(outcome.error ?? "failed");
      });
    }
    for (const file of SHARED_FILES) {
      const ran = results.filter((o) => o.name.startsWith(`${file} › `)).length;
      assert.equal(ran, declaredTests(file), `${file}: every declared test ran in Chromium`);
    }
    assert.ok(results.length >= 40, `the whole suite ran (${results.length} tests)`);
  } finally {
    await browser.close();
    browser.removeProfile();
    await site.close();
    bundle.dispose();
  }
});
