/**
 * The vault in Chromium beside the same vault in Node, in one run: unlock at the real Argon2id
 * parameters, apply the apply benchmark's 100,000 remote events, list 10,000 items, and the time
 * from an edit to the live query's new result (one item, and the whole list of 10,000). In Chromium every call crosses from the page to the
 * owning worker (SQLite WASM on OPFS) and back; in Node it is a function call on better-sqlite3.
 */

import { join } from "node:path";
import type { VaultClient } from "@keypears/vault-browser";
import { DEFAULT_PULL_PAGE } from "@keypears/sync-client";
import { buildTestBundle, launchChromium, serveStatic } from "@keypears/vault-browser/testing";
import {
  createAccount,
  describeVaultError,
  type LiveQuery,
  type NewItemInput,
  unlockVault,
  type Vault,
  watchLiveQuery,
} from "@keypears/vault";
import type { Benchmark } from "../lib/benchmark.ts";
import { percentiles, summarize } from "../lib/stats.ts";
import { medianOf, quantity, type Table } from "../lib/table.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import { vaultHistory } from "../fixtures/vault-history.ts";
import { FULL_SIZE, SMOKE_SIZE } from "../merge/workload.ts";
import { applyInChromium, applyInNode } from "./apply-in-browser.ts";

declare const keypears: { vault: VaultClient };

const PASSWORD = "correct horse battery staple";

interface Samples {
  readonly unlock: number[];
  readonly list: number[];
  readonly liveItem: number[];
  readonly liveList: number[];
}

const itemInputs = (count: number): NewItemInput[] =>
  Array.from({ length: count }, (_, i) => ({
    fields: { title: `Item ${i}`, username: `user${i}`, password: `pw-${i}`, tags: ["bench"] },
  }));

/** Times from each edit to the live query's next result. */
const measureLive = async (
  watch: (onResult: () => void) => () => void,
  edit: (i: number) => Promise<void> | void,
  count: number,
): Promise<number[]> => {
  let wake: (() => void) | undefined;
  let results = 0;
  const stop = watch(() => {
    results++;
    wake?.();
  });
  const next = (seen: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no live result within 10 s")), 10_000);
      wake = () => {
        if (results > seen) {
          clearTimeout(timer);
          resolve();
        }
      };
      wake();
    });
  await next(0);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const seen = results;
    const started = performance.now();
    await edit(i);
    await next(seen);
    samples.push(performance.now() - started);
  }
  stop();
  return samples;
};

const inNode = async (
  dir: string,
  items: number,
  edits: number,
  runs: number,
): Promise<Samples> => {
  const home = join(dir, "node");
  const address = "bench@localhost";
  const created = await createAccount({ home, address, password: PASSWORD });
  if (!created.ok) throw new Error(describeVaultError(created.error));
  created.value.vault.lock();
  const unlock: number[] = [];
  let vault: Vault | undefined;
  for (let i = 0; i < runs; i++) {
    vault?.lock();
    const started = performance.now();
    const opened = await unlockVault({ home, address, password: PASSWORD });
    unlock.push(performance.now() - started);
    if (!opened.ok) throw new Error(describeVaultError(opened.error));
    vault = opened.value;
  }
  const v = vault as Vault;
  const inputs = itemInputs(items);
  for (let i = 0; i < inputs.length; i += 1000)
    v.transact(() => inputs.slice(i, i + 1000).forEach((input) => v.add(input)));
  const list: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    v.list();
    list.push(performance.now() - started);
  }
  const live = (query: LiveQuery) => (onResult: () => void) => watchLiveQuery(v, query, onResult);
  const edit = (i: number) => {
    v.edit("Item 0", { password: `edited-${i}` });
  };
  const liveItem = await measureLive(live({ kind: "item", ref: "Item 0" }), edit, edits);
  const liveList = await measureLive(live({ kind: "list" }), edit, edits);
  v.lock();
  return { unlock, list, liveItem, liveList };
};

const inChromium = async (items: number, edits: number, runs: number): Promise<Samples> => {
  const bundle = await buildTestBundle(
    new URL("../../packages/vault-browser/src/testing/test-page.ts", import.meta.url).pathname,
  );
  const site = await serveStatic(bundle.dir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => typeof keypears === "object");
    return await page.evaluate(
      async ({ password, items, edits, runs }) => {
        const { vault } = keypears;
        const inputs = Array.from({ length: items }, (_, i) => ({
          fields: {
            title: `Item ${i}`,
            username: `user${i}`,
            password: `pw-${i}`,
            tags: ["bench"],
          },
        }));
        const address = "bench@localhost";
        const made = await vault.createAccount({ address, password });
        if (!made.ok) throw new Error(made.error.kind);
        const unlock: number[] = [];
        for (let i = 0; i < runs; i++) {
          const started = performance.now();
          const opened = await vault.unlock(address, password);
          unlock.push(performance.now() - started);
          if (!opened.ok) throw new Error(opened.error.kind);
        }
        for (let i = 0; i < inputs.length; i += 1000) {
          const added = await vault.addMany(address, inputs.slice(i, i + 1000));
          if (!added.ok) throw new Error(added.error.kind);
        }
        const list: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          await vault.list(address);
          list.push(performance.now() - started);
        }
        const measure = async (query: { kind: "item"; ref: string } | { kind: "list" }) => {
          let results = 0;
          let wake = () => {};
          const stop = vault.watch(address, query, () => {
            results++;
            wake();
          });
          const next = (seen: number) =>
            new Promise<void>((resolve) => {
              wake = () => {
                if (results > seen) resolve();
              };
              wake();
            });
          await next(0);
          const samples: number[] = [];
          for (let i = 0; i < edits; i++) {
            const seen = results;
            const started = performance.now();
            await vault.edit(address, "Item 0", { password: `edited-${query.kind}-${i}` });
            await next(seen);
            samples.push(performance.now() - started);
          }
          stop();
          return samples;
        };
        const liveItem = await measure({ kind: "item", ref: "Item 0" });
        const liveList = await measure({ kind: "list" });
        return { unlock, list, liveItem, liveList };
      },
      { password: PASSWORD, items, edits, runs },
    );
  } finally {
    await browser.close();
    browser.removeProfile();
    await site.close();
    bundle.dispose();
  }
};

export const browserBenchmark: Benchmark = {
  name: "browser",
  summary:
    "the vault in Chromium (SQLite WASM on OPFS, worker RPC) beside Node: unlock, list, live-query updates",
  run: async ({ smoke, runs, log }) => {
    const items = smoke ? 100 : 10_000;
    const edits = smoke ? 3 : 200;
    const unlockRuns = smoke ? 1 : Math.max(2, Math.min(runs, 5));
    const applyRuns = smoke ? 1 : Math.max(2, Math.min(runs, 3));
    const history = await vaultHistory(smoke ? SMOKE_SIZE : FULL_SIZE, log);
    const events = history.workload.sets.length;
    log(`browser: Node, ${items} items; apply ${events} events`);
    const node = await withTempDir("browser-bench", async (dir) => ({
      ...(await inNode(dir, items, edits, unlockRuns)),
      apply: await applyInNode(history, dir, applyRuns),
    }));
    log(`browser: Chromium, ${items} items; apply ${events} events`);
    const chromium = {
      ...(await inChromium(items, edits, unlockRuns)),
      apply: await applyInChromium(history, applyRuns),
    };
    if (chromium.apply.items !== node.apply.items)
      throw new Error(
        `after applying the same events Chromium has ${chromium.apply.items} items, Node ${node.apply.items}`,
      );
    type Both = Samples & { readonly apply: { readonly ms: readonly number[] } };
    const medianRow = (key: string, label: string, pick: (s: Both) => readonly number[]) => {
      const n = summarize([...pick(node)]);
      const c = summarize([...pick(chromium)]);
      return {
        key,
        cells: [
          label,
          medianOf(n, "ms"),
          medianOf(c, "ms"),
          quantity(c.median / n.median, "ratio"),
        ],
      };
    };
    const liveRow = (key: string, label: string, pick: (s: Samples) => number[]) => {
      const n = percentiles(pick(node));
      const c = percentiles(pick(chromium));
      return {
        key,
        cells: [
          label,
          `${n.p50.toFixed(1)} / ${n.p99.toFixed(1)}`,
          `${c.p50.toFixed(1)} / ${c.p99.toFixed(1)}`,
          quantity(c.p99 / n.p99, "ratio"),
        ],
      };
    };
    const table: Table = {
      columns: [
        { header: "Operation", align: "left" },
        { header: "Node, ms", align: "right" },
        { header: "Chromium, ms", align: "right" },
        { header: "Chromium / Node", align: "right" },
      ],
      rows: [
        medianRow("unlock", "Unlock (Argon2id 64 MiB, t=3), median", (s) => s.unlock),
        medianRow(
          "apply",
          `Apply ${events.toLocaleString("en")} remote events (new device, batches of the sync client), median`,
          (s) => s.apply.ms,
        ),
        medianRow("list", `List ${items.toLocaleString("en")} items, median`, (s) => s.list),
        liveRow("live-item", "Edit → live item query's new result, p50 / p99", (s) => s.liveItem),
        liveRow(
          "live-list",
          `Edit → live list (${items.toLocaleString("en")} items) new result, p50 / p99`,
          (s) => s.liveList,
        ),
      ],
      notes: [
        "Node: the vault on better-sqlite3 in this process. Chromium: Debian's Chromium (headless, via playwright-core); the page calls the vault's worker (SQLite WASM on OPFS with the SAH-pool VFS, the vault core, Argon2id in hash-wasm), timed in the page with `performance.now()`, so every Chromium number includes the round trip page → worker → page and the structured clone of the answer.",
        "Live queries: from calling `edit` (a durable commit) to the subscriber's new result; the list query re-runs over every item after each commit and hands on a result only when it changed.",
        `${edits} edits per live query; ${unlockRuns} unlocks; 5 lists; ${applyRuns} applies.`,
        "Apply: the apply-remote benchmark's workload (the vault history's server-ordered events over " +
          `${history.workload.size.items.toLocaleString("en")} items) applied with \`vault.sync.applyOrdered\` into a new device's empty vault, each run into a fresh file, after one untimed warm-up run; timed inside the worker in Chromium (no page round trip), and in this process in Node. Both must end with the same items. Signatures: in Node a worker thread verifies a batch's (OpenSSL) while the main thread applies it; in Chromium each pull page's (${DEFAULT_PULL_PAGE.toLocaleString("en")} events) are verified ahead with WebCrypto (BoringSSL, off the worker's thread, all in flight at once) and a batch is applied once its pages are answered, as the browser vault's sync does; that time is in each run.`,
      ],
    };
    const itemLive = percentiles(chromium.liveItem);
    const applyRatio =
      summarize([...chromium.apply.ms]).median / summarize([...node.apply.ms]).median;
    return {
      title: "The vault in a browser: Chromium beside Node",
      description:
        "The same vault core on SQLite WASM in OPFS, in a dedicated worker, against better-sqlite3 in Node, in one run.",
      tables: [table],
      targets: [
        {
          label: `Apply ${events.toLocaleString("en")} remote events in Chromium, vs Node`,
          goal: "within 2x of Node",
          measured: quantity(applyRatio, "ratio"),
          reference: 2,
          better: "lower",
        },
        {
          label: "Live-query update after a local edit in Chromium (item), p99",
          goal: "< 16 ms (one frame)",
          measured: quantity(itemLive.p99, "ms"),
          reference: 16,
          better: "lower",
        },
      ],
    };
  },
};
