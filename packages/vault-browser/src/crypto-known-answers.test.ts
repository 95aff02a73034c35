import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import {
  buildTestBundle,
  launchChromium,
  NODE_TEST_ALIASES,
  serveStatic,
} from "./testing/chromium.ts";
import type { TestOutcome } from "./testing/node-test-shim.ts";

declare const outcomes: readonly TestOutcome[] | undefined;

/**
 * Node's native cipher path has no browser counterpart, and the protocol-vector tests read their
 * JSON files from disk (they check the same functions in Node); every other crypto test runs in
 * Chromium.
 */
const NODE_ONLY = new Set([
  "xchacha-native.test.ts",
  "protocol-vectors.test.ts",
  "sealed-record-vectors.test.ts",
]);

/**
 * Tests inside a shared file that compare with Node's own implementation (node:crypto's
 * Ed25519): there is none in a browser, so their outcome here says nothing. The noble code they
 * compare against is what runs here, and the RFC 8032 vectors in the same file check it.
 */
const NODE_ONLY_TESTS = new Set([
  ": Node's native Ed25519 and noble's give the same signatures and accept each other's",
]);

/** `ed25519-edge-cases.test.ts`: its WebCrypto is BoringSSL here, OpenSSL in Node. */
const ED25519_EDGE_TESTS = [
  "the protocol's answer on every Ed25519 edge case is the vector's, here as on every platform",
  "on what the strictness rule lets through, every cofactorless implementation here agrees: JavaScript, WebCrypto, Node's OpenSSL",
  "without the strictness rule the implementations disagree on edge cases (recorded)",
  "honest signatures always pass the strictness rule and verify everywhere (random keys and messages)",
];

test("@keypears/crypto's tests (known answers, round trips) pass in Chromium: the same bytes as Node", async () => {
  const dir = new URL("../../crypto/src/", import.meta.url).pathname;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts") && !NODE_ONLY.has(name))
    .map((name) => `${dir}${name}`);
  const bundle = await buildTestBundle(
    [...files, new URL("./testing/run-tests-page.ts", import.meta.url).pathname],
    { aliases: NODE_TEST_ALIASES },
  );
  const site = await serveStatic(bundle.dir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => typeof outcomes === "object", undefined, { timeout: 120_000 });
    const results = await page.evaluate(() => outcomes ?? []);
    assert.deepEqual(
      results.filter((o) => !o.ok && !NODE_ONLY_TESTS.has(o.name)),
      [],
      "every crypto test passes in Chromium",
    );
    assert.ok(results.length >= 40, `the crypto tests ran (${results.length})`);
    // The Ed25519 edge cases through Chromium's WebCrypto (BoringSSL): the same answers as Node's.
    for (const name of ED25519_EDGE_TESTS)
      assert.ok(
        results.some((o) => o.ok && o.name === `: ${name}`),
        `${name}: ran and passed in Chromium`,
      );
  } finally {
    await browser.close();
    browser.removeProfile();
    await site.close();
    bundle.dispose();
  }
});
