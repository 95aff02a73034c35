/** Every benchmark of the suite, in report order. A new benchmark is a folder that exports one `Benchmark`, added here. */

import type { Benchmark } from "./lib/benchmark.ts";
import { mergeBenchmark } from "./merge/merge-benchmark.ts";

export const benchmarks: readonly Benchmark[] = [mergeBenchmark];
