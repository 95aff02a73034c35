/**
 * Applying remote events: the vault history's 100,000 field writes over 10,000 items, applied by a
 * new device's vault (decrypted, merged, persisted), beside the same workload in Yjs, Loro and
 * Automerge (one update at a time and as one batch) and the raw limits (SQLite, the AEAD, and
 * authenticity: one Ed25519 verification per batch event, one SHA-256 per event).
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Benchmark } from "../lib/benchmark.ts";
import { runBudgetedRounds } from "../lib/rounds.ts";
import { summarize } from "../lib/stats.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import { startWorker, type WorkerHandle } from "../lib/worker-process.ts";
import { crdtStreams } from "../fixtures/crdt-streams.ts";
import { vaultHistory } from "../fixtures/vault-history.ts";
import { FULL_SIZE, SMOKE_SIZE } from "../merge/workload.ts";
import { applyReport } from "./apply-report.ts";
import type { ApplyContender, ApplyInput } from "./contender.ts";
import { applyContenders } from "./contenders.ts";
import { keypearsVault } from "./keypears.ts";
import type { ApplyReply, ApplyRequest } from "./worker-protocol.ts";

const workerScript = new URL("./worker.ts", import.meta.url);
/** The share of the pages the vault applies once more, under the CPU profiler, for the evidence table. */
const PROFILE_SHARE = 0.15;

export const applyRemoteBenchmark: Benchmark = {
  name: "apply-remote",
  summary:
    "applying 100,000 remote field writes: the vault vs Yjs, Loro, Automerge, SQLite and the AEAD",
  run: async ({ smoke, runs, log }) => {
    const history = await vaultHistory(smoke ? SMOKE_SIZE : FULL_SIZE, log);
    const streams = crdtStreams(history.workload, log);
    return withTempDir("apply", async (dir) => {
      const input: ApplyInput = {
        size: history.workload.size,
        orderedEventsFile: history.orderedEventsFile,
        account: history.account,
        itemIds: history.itemIds,
        streams: Object.fromEntries([...streams].map(([key, stream]) => [key, stream.file])),
        scratchDir: dir,
      };
      const inputFile = join(dir, "input.json");
      writeFileSync(inputFile, JSON.stringify(input));
      const workers = new Map<ApplyContender, WorkerHandle<ApplyRequest, ApplyReply>>(
        applyContenders.map((contender) => [
          contender,
          startWorker<ApplyRequest, ApplyReply>(contender.key, workerScript, [
            contender.key,
            inputFile,
          ]),
        ]),
      );
      const workerOf = (contender: ApplyContender) =>
        workers.get(contender) as WorkerHandle<ApplyRequest, ApplyReply>;
      try {
        await Promise.all([...workers.values()].map((worker) => worker.ready));
        for (const contender of applyContenders) {
          const { ms } = await workerOf(contender).request({ kind: "warmup" });
          log(`  warm-up ${contender.key}: ${ms.toFixed(0)} ms`);
        }
        const samplesByKey = await runBudgetedRounds(
          applyContenders.map((contender) => ({
            key: contender.key,
            minRuns: contender.minRuns,
            budgetMs: smoke ? 0 : contender.budgetMs,
            runOnce: async () => (await workerOf(contender).request({ kind: "run" })).ms,
          })),
          { runs, log },
        );
        const profiledRun = await workerOf(keypearsVault).request({
          kind: "profile",
          share: smoke ? 1 : PROFILE_SHARE,
        });
        if (profiledRun.profile === undefined)
          throw new Error("the vault's worker sent no profile");
        return applyReport(
          history,
          applyContenders.map((contender) => ({
            contender,
            time: summarize(samplesByKey.get(contender.key) ?? []),
          })),
          { share: smoke ? 1 : PROFILE_SHARE, ms: profiledRun.ms, summary: profiledRun.profile },
        );
      } finally {
        await Promise.all([...workers.values()].map((worker) => worker.stop()));
      }
    });
  },
};
