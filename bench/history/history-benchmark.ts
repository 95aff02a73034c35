/**
 * History: `vault.history` (what `keypears history` prints) of one item with many writes. Since
 * vault schema 5 history is read from the item's sealed merge state instead of a sealed row per
 * write, so it must stay fast for an item written a thousand times; reading the item's view is
 * the baseline beside it.
 */

import { join } from "node:path";
import { describeVaultError, unlockVault, type Vault } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import { BENCH_PASSWORD, benchAddress, createBenchAccount } from "../fixtures/bench-account.ts";
import type { Benchmark } from "../lib/benchmark.ts";
import { summarize } from "../lib/stats.ts";
import { medianOf, type Row, type Table } from "../lib/table.ts";
import { withTempDir } from "../lib/temp-dir.ts";

const FULL = [100, 1_000] as const;
const SMOKE = [10, 100] as const;
const BATCH = 100;

const unlock = async (home: string, address: string): Promise<Vault> => {
  const opened = await unlockVault({ home, address, password: BENCH_PASSWORD, deps: cheapDeps() });
  if (!opened.ok) throw new Error(describeVaultError(opened.error));
  return opened.value;
};

/** Wall time and this process's CPU time of one call: on a shared machine the CPU time is what holds. */
const timeMs = (fn: () => void): { readonly wall: number; readonly cpu: number } => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  fn();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
};

const cells = (samples: readonly { wall: number; cpu: number }[]) => [
  medianOf(summarize(samples.map((s) => s.wall)), "ms"),
  medianOf(summarize(samples.map((s) => s.cpu)), "ms"),
  String(samples.length),
];

export const historyBenchmark: Benchmark = {
  name: "history",
  summary: "`vault.history` of one item with 100 and 1,000 writes, beside reading the item",
  run: async ({ smoke, runs, log }) =>
    withTempDir("history", async (dir) => {
      const rows: Row[] = [];
      for (const writes of smoke ? SMOKE : FULL) {
        const home = join(dir, `writes-${writes}`);
        const address = benchAddress(`history${writes}`);
        const { vault } = await createBenchAccount(home, address, "https://bench.example");
        const item = vault.add({ fields: { title: "Written often", password: "p0" } });
        if (!item.ok) throw new Error(describeVaultError(item.error));
        for (let done = 1; done < writes; done += BATCH) {
          vault.transact(() => {
            for (let n = done; n < Math.min(writes, done + BATCH); n++) {
              const edited = vault.edit(item.value.id, { password: `p${n}` });
              if (!edited.ok) throw new Error(describeVaultError(edited.error));
            }
          });
        }
        vault.lock();
        log(`history: an item with ${writes} writes made`);

        const cold: { wall: number; cpu: number }[] = [];
        const warm: { wall: number; cpu: number }[] = [];
        const view: { wall: number; cpu: number }[] = [];
        for (let run = 0; run < runs + 1; run++) {
          const opened = await unlock(home, address);
          try {
            let entries = 0;
            const first = timeMs(() => {
              const history = opened.history(item.value.id);
              if (!history.ok) throw new Error(describeVaultError(history.error));
              entries =
                history.value.fields.find((f) => f.name === "password")?.entries.length ?? 0;
            });
            if (entries !== writes) throw new Error(`history shows ${entries} of ${writes} writes`);
            const again = timeMs(() => {
              if (!opened.history(item.value.id).ok) throw new Error("history failed");
            });
            const read = timeMs(() => {
              if (!opened.get(item.value.id).ok) throw new Error("get failed");
            });
            // The first unlock warms the JIT and the file cache; it is not measured.
            if (run > 0) {
              cold.push(first);
              warm.push(again);
              view.push(read);
            }
          } finally {
            opened.lock();
          }
        }
        const label = writes.toLocaleString("en-US");
        rows.push(
          {
            key: `cold-${writes}`,
            cells: [`\`vault.history\`, ${label} writes, first read after unlock`, ...cells(cold)],
          },
          {
            key: `warm-${writes}`,
            cells: [`\`vault.history\`, ${label} writes, read again`, ...cells(warm)],
          },
          {
            key: `get-${writes}`,
            cells: [`\`vault.get\` of the same item (its view)`, ...cells(view)],
          },
        );
      }
      const table: Table = {
        columns: [
          { header: "Read", align: "left" },
          { header: "Time, ms (median, min–max)", align: "right" },
          { header: "CPU time, ms (median, min–max)", align: "right" },
          { header: "Runs", align: "right" },
        ],
        rows,
        notes: [
          "One login whose password was written 100 or 1,000 times (`vault.edit` in `vault.transact` batches of 100) on a synced-address vault; then, per run, the vault is unlocked again (so nothing is cached) and `vault.history` of the item is read twice, then `vault.get`. The first read opens and decodes the item's sealed merge state, which holds every write, and lists every write of every field (checked: the password's entries number its writes); the second finds the state decoded. Before vault schema 5 each write also had a sealed history row, opened one by one on every read.",
        ],
      };
      return {
        title: "History: one item written many times",
        description:
          "What `keypears history` costs on an item with a long history: the vault reads history from the item's sealed merge state (every write, with the links between them), not from a sealed row per write.",
        tables: [table],
        targets: [],
        diagnosis: [],
      };
    }),
};
