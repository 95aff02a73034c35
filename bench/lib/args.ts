/** The command line of `npm run bench`: `--smoke`, `--only <name>`, `--runs N`, `--out FILE`. */

import { parseArgs } from "node:util";

export interface BenchArgs {
  readonly help: boolean;
  readonly smoke: boolean;
  readonly only: readonly string[];
  readonly runs: number;
  /** Undefined: print only, write nothing. */
  readonly out: string | undefined;
}

export const DEFAULT_RUNS = 5;
export const SMOKE_RUNS = 2;

export const usage = `Usage: npm run bench -- [options]

  --smoke        tiny sizes, a few seconds (also: BENCH_SMOKE=1)
  --only NAME    run only this benchmark (repeatable, or comma-separated)
  --runs N       measured runs per contender after warm-up (default ${DEFAULT_RUNS}, smoke ${SMOKE_RUNS})
  --out FILE     write the Markdown report here

A full run of the whole suite writes docs/BENCHMARKS.md unless --out says otherwise; smoke runs
and --only runs print their tables and write only where --out says.`;

/** Parses the arguments; `defaultOut` is where a full run of the whole suite writes its report. */
export const parseBenchArgs = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultOut: string,
): BenchArgs => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      help: { type: "boolean", short: "h", default: false },
      smoke: { type: "boolean", default: false },
      only: { type: "string", multiple: true, default: [] },
      runs: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const smoke = values.smoke || env["BENCH_SMOKE"] === "1";
  const only = values.only.flatMap((names) => names.split(",")).filter((name) => name !== "");
  const runs =
    values.runs === undefined ? (smoke ? SMOKE_RUNS : DEFAULT_RUNS) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs expects a positive whole number, got ${String(values.runs)}`);
  }
  const wholeSuite = !smoke && only.length === 0;
  return {
    help: values.help,
    smoke,
    only,
    runs,
    out: values.out ?? (wholeSuite ? defaultOut : undefined),
  };
};
