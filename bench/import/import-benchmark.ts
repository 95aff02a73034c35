/**
 * Import: a Bitwarden JSON export of 10,000 logins read, checked for duplicates and committed into
 * a new vault (one transaction), as `keypears import` does it, beside the vault's own local-edit
 * rate. The target: under 2 s.
 */

import { join } from "node:path";
import { applyImport, parseImport, planImport } from "@keypears/transfer";
import { benchAddress, createBenchAccount } from "../fixtures/bench-account.ts";
import type { Benchmark } from "../lib/benchmark.ts";
import { createPrng } from "../lib/prng.ts";
import { summarize } from "../lib/stats.ts";
import { medianOf, quantity, type Table } from "../lib/table.ts";
import type { Target } from "../lib/targets.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import { bitwardenExport } from "./bitwarden-workload.ts";

const FULL = 10_000;
const SMOKE = 200;

interface ImportRun {
  readonly parseMs: number;
  readonly applyMs: number;
  readonly totalMs: number;
}

export const importBenchmark: Benchmark = {
  name: "import",
  summary: "10,000 items from a Bitwarden JSON export into a new vault (target: under 2 s)",
  run: async ({ smoke, runs, log }) => {
    const items = smoke ? SMOKE : FULL;
    const file = bitwardenExport(items, createPrng(14));
    return withTempDir("import", async (dir) => {
      const results: ImportRun[] = [];
      for (let run = 0; run < runs + 1; run++) {
        const { vault } = await createBenchAccount(
          join(dir, `run-${run}`),
          benchAddress("import"),
          "https://bench.example",
        );
        try {
          const started = performance.now();
          const parsed = await parseImport(file, { format: "bitwarden-json" });
          if (!parsed.ok) throw new Error(`the workload did not parse: ${parsed.error.kind}`);
          const plan = planImport(parsed.value, vault.list());
          const parsedAt = performance.now();
          const applied = applyImport(vault, plan, { duplicates: "skip" });
          const done = performance.now();
          if (!applied.ok || applied.value.added !== items)
            throw new Error("the import did not add every item");
          // The first run warms the JIT and the file cache; it is not measured.
          if (run > 0)
            results.push({
              parseMs: parsedAt - started,
              applyMs: done - parsedAt,
              totalMs: done - started,
            });
          log(`import run ${run}: ${Math.round(done - started)} ms`);
        } finally {
          vault.lock();
        }
      }
      const total = summarize(results.map((r) => r.totalMs / 1000));
      const parse = summarize(results.map((r) => r.parseMs));
      const apply = summarize(results.map((r) => r.applyMs));
      const rate = summarize(results.map((r) => items / (r.totalMs / 1000)));
      const table: Table = {
        columns: [
          { header: "Step", align: "left" },
          { header: "Time (median, min–max)", align: "right" },
          { header: "Runs", align: "right" },
        ],
        rows: [
          {
            key: "parse",
            cells: [
              "Read and map the file, find duplicates",
              medianOf(parse, "ms"),
              quantity(parse.n, "count"),
            ],
          },
          {
            key: "apply",
            cells: [
              "Commit every item (one transaction)",
              medianOf(apply, "ms"),
              quantity(apply.n, "count"),
            ],
          },
          {
            key: "total",
            cells: ["Whole import", medianOf(total, "s"), quantity(total.n, "count")],
          },
          {
            key: "rate",
            cells: ["Items per second", medianOf(rate, "per-second"), quantity(rate.n, "count")],
          },
        ],
        notes: [
          `${items.toLocaleString("en-US")} logins (12 folders, one URI each, a TOTP on one in ten, notes on one in four, a hidden custom field on one in five, password history on one in ten), imported into a new synced-address vault (so every item also enters the outbox), each item one sealed event with its history rows and its sealed state and view, all in one SQLite transaction with one flush. A first run warms up and is not counted.`,
        ],
      };
      const targets: Target[] = [
        {
          label: `Import ${items.toLocaleString("en-US")} Bitwarden items`,
          goal: "< 2 s",
          measured: medianOf(total, "s"),
          reference: 2,
          better: "lower",
        },
      ];
      return {
        title: "Import: a Bitwarden export into a new vault",
        description: `\`keypears import\` of a Bitwarden JSON export: parse, map, look for duplicates, then commit every item in one vault transaction. Almost all of the time is the commit, which does per item what a local edit does (see the local-edit benchmark): the parse of ${items.toLocaleString("en-US")} items takes ${Math.round(parse.median)} ms.`,
        tables: [table],
        targets,
        diagnosis: [
          `The commit costs ${(apply.median / items).toFixed(2)} ms per item, and it is the vault's per-item write, not the import's: a new item is one local edit (see the local-edit benchmark), and the import adds no work of its own between them. A CPU profile of 3,000 items (taken on this machine under a load average of about 28 on 2 cores, so its absolute times are inflated) put about 35% of the commit in SQLite's statements (about a dozen per item: the event, its outbox entry, one history row per field, the item's state and view, the device clock) and about 18% in XChaCha20-Poly1305 (about ten sealed boxes per item: the event, each history row, the state and the view); the rest is encoding, merging and garbage collection.`,
          "What would close it is in the vault's storage layout, not in the import: one sealed history record per event instead of one per field, and writing the device clock once per transaction instead of once per commit, would remove most of the statements and boxes of a new item.",
        ],
      };
    });
  },
};
