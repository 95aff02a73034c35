/** Every benchmark of the suite, in report order. A new benchmark is a folder that exports one `Benchmark`, added here. */

import { applyRemoteBenchmark } from "./apply-remote/apply-benchmark.ts";
import { browserBenchmark } from "./browser/browser-benchmark.ts";
import { cliBenchmark } from "./cli/cli-benchmark.ts";
import type { Benchmark } from "./lib/benchmark.ts";
import { growthBenchmark } from "./growth/growth-benchmark.ts";
import { healthBenchmark } from "./health/health-benchmark.ts";
import { historyBenchmark } from "./history/history-benchmark.ts";
import { importBenchmark } from "./import/import-benchmark.ts";
import { localEditBenchmark } from "./local-edit/local-edit-benchmark.ts";
import { mergeBenchmark } from "./merge/merge-benchmark.ts";
import { newDeviceBenchmark } from "./new-device/new-device-benchmark.ts";
import { realtimeBenchmark } from "./realtime/realtime-benchmark.ts";
import { serverLoadBenchmark } from "./server-load/server-load-benchmark.ts";
import { sizesBenchmark } from "./sizes/sizes-benchmark.ts";
import { unlockBenchmark } from "./unlock/unlock-benchmark.ts";
import { syncBenchmark } from "./sync/sync-benchmark.ts";
import { webAppBenchmark } from "./browser/web-app-benchmark.ts";

export const benchmarks: readonly Benchmark[] = [
  mergeBenchmark,
  localEditBenchmark,
  importBenchmark,
  historyBenchmark,
  applyRemoteBenchmark,
  syncBenchmark,
  newDeviceBenchmark,
  realtimeBenchmark,
  serverLoadBenchmark,
  sizesBenchmark,
  unlockBenchmark,
  healthBenchmark,
  browserBenchmark,
  webAppBenchmark,
  cliBenchmark,
  growthBenchmark,
];
