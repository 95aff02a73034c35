/**
 * The end-to-end runs, measured once per suite and read by two benchmarks (end-to-end sync, and
 * a new device): interleaved between PGlite and Postgres, each run on a fresh server and database,
 * after a warm-up run on a small history. The heavy runs share a time budget per database.
 */

import type { BenchContext } from "../lib/benchmark.ts";
import { vaultHistory, type VaultHistory } from "../fixtures/vault-history.ts";
import { FULL_SIZE, type MergeSize, SMOKE_SIZE } from "../merge/workload.ts";
import { runScenario, type ScenarioDatabase, type ScenarioRun } from "./scenario.ts";

export const DATABASES: readonly ScenarioDatabase[] = ["postgres", "pglite"];

/** The warm-up's history: small, so it warms the client code paths in seconds. */
const WARMUP_SIZE: MergeSize = { sets: 5_000, items: 500 };
/** Runs of one database stop once they took this long in all (never fewer than `MIN_RUNS`). */
const BUDGET_MS = 80_000;
const MIN_RUNS = 2;

export interface SyncMeasurements {
  readonly history: VaultHistory;
  readonly runs: readonly ScenarioRun[];
}

const measured = new Map<boolean, Promise<SyncMeasurements>>();

export const syncMeasurements = (context: BenchContext): Promise<SyncMeasurements> => {
  let measurements = measured.get(context.smoke);
  if (measurements === undefined) {
    measurements = measure(context);
    measured.set(context.smoke, measurements);
  }
  return measurements;
};

const measure = async ({ smoke, runs, log }: BenchContext): Promise<SyncMeasurements> => {
  const history = await vaultHistory(smoke ? SMOKE_SIZE : FULL_SIZE, log);
  // Smoke runs check the harness only: no warm-up, one run per database.
  if (!smoke) {
    const warmup = await vaultHistory(WARMUP_SIZE, log);
    for (const database of DATABASES) {
      const run = await runScenario(warmup, database, { snapshot: true });
      log(`  warm-up ${database}: ${(run.pushMs + run.pullMs).toFixed(0)} ms`);
    }
  }
  const least = smoke ? 1 : Math.min(MIN_RUNS, runs);
  const done: ScenarioRun[] = [];
  const spent = (database: ScenarioDatabase) =>
    done.filter((r) => r.database === database).reduce((sum, r) => sum + r.pushMs + r.pullMs, 0);
  const count = (database: ScenarioDatabase) => done.filter((r) => r.database === database).length;
  const wants = (database: ScenarioDatabase) =>
    count(database) < runs && (count(database) < least || (!smoke && spent(database) < BUDGET_MS));
  for (let round = 0; DATABASES.some(wants); round++) {
    for (let i = 0; i < DATABASES.length; i++) {
      const database = DATABASES[(round + i) % DATABASES.length] as ScenarioDatabase;
      if (!wants(database)) continue;
      const run = await runScenario(history, database, { snapshot: true });
      done.push(run);
      log(
        `  run ${count(database)} ${database}: push ${run.pushMs.toFixed(0)} ms, pull ${run.pullMs.toFixed(0)} ms, from a snapshot ${run.snapshot?.ms.toFixed(0) ?? "—"} ms`,
      );
    }
  }
  return { history, runs: done };
};
