/** Runs the selected benchmarks in order and renders (and optionally writes) the report. */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BenchFailure, Benchmark, BenchReport } from "./benchmark.ts";
import { renderChartSvg } from "./chart.ts";
import { formatDuration } from "./format.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";
import { renderReport } from "./report.ts";

export interface SuiteOptions {
  readonly smoke: boolean;
  /** Names of the benchmarks to run; all when empty. */
  readonly only: readonly string[];
  readonly runs: number;
  /** Where to write the Markdown report; not written when undefined. */
  readonly out: string | undefined;
  readonly log: (line: string) => void;
}

export interface SuiteResult {
  readonly machine: MachineInfo;
  readonly reports: readonly BenchReport[];
  /** The benchmarks that stopped with an error, in run order; the caller fails when any did. */
  readonly failures: readonly BenchFailure[];
  readonly markdown: string;
  readonly durationMs: number;
}

export const selectBenchmarks = (
  benchmarks: readonly Benchmark[],
  only: readonly string[],
): readonly Benchmark[] => {
  const unknown = only.filter((name) => !benchmarks.some((b) => b.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.join(", ")}; known: ${benchmarks.map((b) => b.name).join(", ")}`,
    );
  }
  return only.length === 0 ? benchmarks : benchmarks.filter((b) => only.includes(b.name));
};

export const runSuite = async (
  benchmarks: readonly Benchmark[],
  options: SuiteOptions,
): Promise<SuiteResult> => {
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new Error(`expected a positive whole number of runs, got ${options.runs}`);
  }
  const selected = selectBenchmarks(benchmarks, options.only);
  const machine = machineInfo();
  const start = performance.now();
  const reports: BenchReport[] = [];
  const failures: BenchFailure[] = [];
  // One benchmark that stops does not throw away the others' hour: it is named in the report with
  // its reason, the rest still run, and the caller exits with an error.
  for (const benchmark of selected) {
    options.log(`${benchmark.name}: ${benchmark.summary}`);
    const started = performance.now();
    try {
      reports.push(
        await benchmark.run({ smoke: options.smoke, runs: options.runs, log: options.log }),
      );
      options.log(`${benchmark.name}: done in ${formatDuration(performance.now() - started)}`);
    } catch (error) {
      options.log(
        `${benchmark.name}: stopped after ${formatDuration(performance.now() - started)}: ${
          error instanceof Error ? (error.stack ?? error.message) : String(error)
        }`,
      );
      failures.push({ name: benchmark.name, summary: benchmark.summary, reason: reasonOf(error) });
    }
  }
  const durationMs = performance.now() - start;
  const markdown = renderReport(
    { machine, smoke: options.smoke, runs: options.runs, durationMs },
    reports,
    failures,
  );
  if (options.out !== undefined) {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, markdown);
    for (const chart of reports.flatMap((report) => report.charts ?? [])) {
      writeFileSync(join(dirname(options.out), chart.file), await renderChartSvg(chart));
    }
  }
  return { machine, reports, failures, markdown, durationMs };
};

const reasonOf = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() || "an error with no message";
};
