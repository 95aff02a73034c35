/**
 * The apply benchmark's workload (the vault history's server-ordered events, `ordered-events.ts`)
 * applied by a new device's vault in Node (better-sqlite3 on disk) and in Chromium (SQLite WASM
 * in OPFS, in a dedicated worker: `apply-worker.ts`), the same batches and the same checks. Each
 * side runs once more first, as a warm-up (JIT, SQLite's and OPFS's first allocations), untimed.
 */

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_APPLY_BATCH, DEFAULT_PULL_PAGE } from "@keypears/sync-client";
import { buildTestBundle, launchChromium, serveStatic } from "@keypears/vault-browser/testing";
import { joinOffline } from "../fixtures/bench-account.ts";
import { pagesOf, readOrderedEvents } from "../fixtures/ordered-events.ts";
import type { VaultHistory } from "../fixtures/vault-history.ts";
import { BENCH_DOMAIN } from "../lib/server-process.ts";
import type { ApplyWorkerReply, ApplyWorkerRequest } from "./apply-worker.ts";

declare const outcomes: ApplyWorkerReply | undefined;

export interface ApplySamples {
  readonly ms: readonly number[];
  /** Live items after the apply: Chromium must end with the same as Node. */
  readonly items: number;
}

/** Each run's time to apply every event in Node. */
export const applyInNode = async (
  history: VaultHistory,
  dir: string,
  runs: number,
): Promise<ApplySamples> => {
  const pages = pagesOf(readOrderedEvents(history.orderedEventsFile), DEFAULT_APPLY_BATCH);
  const ms: number[] = [];
  let items = 0;
  for (let i = 0; i <= runs; i++) {
    const home = mkdtempSync(join(dir, "apply-"));
    const vault = await joinOffline(home, history.account);
    const started = performance.now();
    for (const [index, page] of pages.entries()) {
      // As the sync client: every batch but the pull's last defers its items' writes.
      const applied = vault.sync.applyOrdered(page.events, page.end, {
        defer: index < pages.length - 1,
      });
      if (!applied.ok)
        throw new Error(`applyOrdered refused a page: ${JSON.stringify(applied.error)}`);
    }
    if (i > 0) ms.push(performance.now() - started);
    items = vault.list().length;
    vault.lock();
    rmSync(home, { recursive: true, force: true });
  }
  return { ms, items };
};

/** The same in Chromium; the events file is served beside the page. */
export const applyInChromium = async (
  history: VaultHistory,
  runs: number,
): Promise<ApplySamples> => {
  const bundle = await buildTestBundle([], {
    worker: `import ${JSON.stringify(new URL("./apply-worker.ts", import.meta.url).pathname)};\n`,
  });
  copyFileSync(history.orderedEventsFile, join(bundle.dir, "events.frames"));
  const request: ApplyWorkerRequest = {
    account: history.account,
    serverUrl: `http://${BENCH_DOMAIN}`,
    eventsUrl: "/events.frames",
    batch: DEFAULT_APPLY_BATCH,
    page: DEFAULT_PULL_PAGE,
    runs,
  };
  writeFileSync(join(bundle.dir, "apply-request.json"), JSON.stringify(request));
  const site = await serveStatic(bundle.dir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => typeof outcomes === "object", undefined, {
      timeout: 30 * 60_000,
    });
    const reply = await page.evaluate(() => outcomes as ApplyWorkerReply);
    if (!reply.ok) throw new Error(`the Chromium apply failed: ${reply.error}`);
    return { ms: reply.ms, items: reply.items };
  } finally {
    await browser.close();
    browser.removeProfile();
    await site.close();
    bundle.dispose();
  }
};
