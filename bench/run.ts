/** `npm run bench`: runs the benchmark suite, prints its tables and writes docs/BENCHMARKS.md. */

import { fileURLToPath } from "node:url";
import { benchmarks } from "./benchmarks.ts";
import { parseBenchArgs, usage } from "./lib/args.ts";
import { formatDuration } from "./lib/format.ts";
import { runSuite } from "./lib/suite.ts";

const defaultOut = fileURLToPath(new URL("../docs/BENCHMARKS.md", import.meta.url));

const main = async (): Promise<void> => {
  const args = parseBenchArgs(process.argv.slice(2), process.env, defaultOut);
  if (args.help) {
    console.log(`${usage}\n\nBenchmarks: ${benchmarks.map((b) => b.name).join(", ")}`);
    return;
  }
  const result = await runSuite(benchmarks, {
    smoke: args.smoke,
    only: args.only,
    runs: args.runs,
    out: args.out,
    log: (line) => console.error(line),
  });
  console.log(result.markdown);
  console.error(
    `done in ${formatDuration(result.durationMs)}${args.out === undefined ? "" : `; wrote ${args.out}`}`,
  );
  if (result.failures.length > 0) {
    console.error(
      `${result.failures.length} benchmark(s) stopped with an error: ${result.failures.map((f) => `${f.name} (${f.reason})`).join("; ")}`,
    );
    // Exit now, as below: a benchmark that stopped part-way may have left a process behind.
    process.exit(1);
  }
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  // Exit now: a benchmark that failed part-way may leave a server, a worker or a browser behind,
  // which kept this process alive (idle, holding its memory) after the error was printed.
  process.exit(1);
});
