// The CLI benchmark's launcher: starts each timed command from this small process, not from the
// benchmark's own. Starting a process from one that holds a large heap costs more (its memory map
// is copied at the fork): from a process with 1.5 GB resident, `node -e 0` took 117 ms where it
// took 72 ms from a small one, and in a full `npm run bench` the CLI rows run after suites that
// leave the benchmark process large. Plain JavaScript, so this process loads no TypeScript loader.
//
// Protocol: one JSON request per line on standard input, `{ "args": [...], "env": {...} }`; one
// JSON answer per line on standard output, `{ "ms", "cpuMs", "status", "stderr" }`: the wall time
// from spawn to exit, and the child's CPU time (user + system, from this process's children's
// times in /proc, 10 ms ticks; 0 where there is no /proc).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

const TICK_MS = 10;

const childrenCpuMs = () => {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return 0;
  }
};

for await (const line of createInterface({ input: process.stdin })) {
  if (line === "") continue;
  const { args, env } = JSON.parse(line);
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const answer = {
    ms,
    cpuMs: childrenCpuMs() - cpuBefore,
    status: result.status,
    stderr: result.error === undefined ? result.stderr : String(result.error),
  };
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
