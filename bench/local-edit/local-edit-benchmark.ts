/**
 * Local edit: one field change committed on a device (sealed event, outbox entry and the item's
 * sealed state and view, in one SQLite transaction), its rate and latency, beside a
 * plain SQLite insert of the same bytes per transaction.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Benchmark, BenchReport } from "../lib/benchmark.ts";
import { runRounds } from "../lib/rounds.ts";
import { percentiles, summarize } from "../lib/stats.ts";
import { medianOf, quantity, type Table } from "../lib/table.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import { startWorker, type WorkerHandle } from "../lib/worker-process.ts";
import { type EditContender, editContenders, sqliteInsert, vaultEdit } from "./contenders.ts";
import type { EditReply, EditRequest, EditSize } from "./worker-protocol.ts";

const FULL: EditSize = { items: 1_000, edits: 2_000 };
const SMOKE: EditSize = { items: 50, edits: 100 };
const workerScript = new URL("./worker.ts", import.meta.url);

export const localEditBenchmark: Benchmark = {
  name: "local-edit",
  summary: "one field change committed on a device: rate and p50/p99 latency, beside SQLite",
  run: async ({ smoke, runs, log }) => {
    const size = smoke ? SMOKE : FULL;
    return withTempDir("local-edit", async (dir) => {
      const workers = new Map<EditContender, WorkerHandle<EditRequest, EditReply>>(
        editContenders.map((contender) => {
          const own = join(dir, contender.key);
          mkdirSync(own);
          return [
            contender,
            startWorker<EditRequest, EditReply>(contender.key, workerScript, [
              contender.key,
              own,
              String(size.items),
              String(size.edits),
            ]),
          ];
        }),
      );
      const workerOf = (c: EditContender) => workers.get(c) as WorkerHandle<EditRequest, EditReply>;
      try {
        await Promise.all([...workers.values()].map((w) => w.ready));
        // The vault's warm-up says how many bytes its sealed events take: the limit writes as many.
        const warm = await workerOf(vaultEdit).request({ kind: "warmup", payloadBytes: 0 });
        const payloadBytes = warm.meanPayloadBytes ?? 0;
        for (const contender of editContenders.filter((c) => c !== vaultEdit)) {
          await workerOf(contender).request({ kind: "warmup", payloadBytes });
        }
        const replies = new Map<string, EditReply[]>(editContenders.map((c) => [c.key, []]));
        await runRounds(
          editContenders.map((contender) => ({
            key: contender.key,
            runOnce: async () => {
              const reply = await workerOf(contender).request({ kind: "run", payloadBytes });
              replies.get(contender.key)?.push(reply);
              return reply.ms;
            },
          })),
          { warmups: 0, runs, log },
        );
        return editReport(size, payloadBytes, replies);
      } finally {
        await Promise.all([...workers.values()].map((w) => w.stop()));
      }
    });
  },
};

const editReport = (
  size: EditSize,
  payloadBytes: number,
  repliesByKey: ReadonlyMap<string, readonly EditReply[]>,
): BenchReport => {
  const repliesOf = (c: EditContender) => repliesByKey.get(c.key) ?? [];
  const rate = (c: EditContender) => summarize(repliesOf(c).map((r) => size.edits / (r.ms / 1000)));
  const vaultRate = rate(vaultEdit).median;
  const table: Table = {
    columns: [
      { header: "System", align: "left" },
      { header: "Rate, edits/s (median, min–max)", align: "right" },
      { header: "p50, ms", align: "right" },
      { header: "p99, ms", align: "right" },
      { header: "Latency samples", align: "right" },
      { header: "Rate vs vault.edit", align: "right" },
      { header: "Runs", align: "right" },
    ],
    rows: editContenders.map((contender) => {
      const latencies = repliesOf(contender).flatMap((r) => r.latencies);
      const p = latencies.length > 0 ? percentiles(latencies) : undefined;
      const r = rate(contender);
      return {
        key: contender.key,
        cells: [
          contender.label,
          medianOf(r, "per-second"),
          p === undefined ? "—" : quantity(p.p50, "ms"),
          p === undefined ? "—" : quantity(p.p99, "ms"),
          p === undefined ? "—" : quantity(p.n, "count"),
          quantity(r.median / vaultRate, "ratio"),
          quantity(r.n, "count"),
        ],
      };
    }),
    notes: [
      ...editContenders.map((c) => c.includes),
      `Each run makes ${size.edits.toLocaleString("en-US")} edits of the password of a random item in a vault of ${size.items.toLocaleString("en-US")} logins (a synced address, so every edit also enters the outbox); the limit's inserts are ${Math.round(payloadBytes)} bytes, the mean sealed event the vault wrote. Latency is one call, measured around it; the percentiles pool every run's edits. Each system runs in its own process; runs are interleaved, after a warm-up of a quarter run each; garbage is collected before each run.`,
    ],
  };
  const sqlite = rate(sqliteInsert).median;
  return {
    title: "Local edit: one field change committed",
    description: `One field change on a device, committed to its encrypted vault file: the sealed, signed event, its outbox entry and the item's sealed merge state and view (which history is read from), in one SQLite transaction with a flush to disk. The limit beside it is a plain SQLite insert of the same bytes in its own transaction. The vault reaches ${((vaultRate / sqlite) * 100).toFixed(0)}% of the limit's rate.`,
    tables: [table],
  };
};
