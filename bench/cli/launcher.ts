/** The benchmark's side of `timed-spawn.mjs`: a small process that starts and times each command. */

import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface TimedRun {
  /** Wall time from spawn to exit, ms. */
  readonly ms: number;
  /** The command's own CPU time (user + system), ms; 0 where /proc has none. */
  readonly cpuMs: number;
  readonly status: number | null;
  readonly stderr: string;
}

export interface Launcher {
  /** Runs `node ...args` with `env` from the launcher process, one at a time. */
  readonly run: (args: readonly string[], env: Record<string, string>) => Promise<TimedRun>;
  readonly close: () => void;
}

export const startLauncher = (): Launcher => {
  const child = spawn(process.execPath, [join(import.meta.dirname, "timed-spawn.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const waiting: ((run: TimedRun) => void)[] = [];
  const failed: ((error: Error) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    failed.shift();
    waiting.shift()?.(JSON.parse(line) as TimedRun);
  });
  child.on("exit", (code) => {
    for (const fail of failed.splice(0)) fail(new Error(`the launcher exited (${code})`));
    waiting.length = 0;
  });
  let queue: Promise<unknown> = Promise.resolve();
  const run = (args: readonly string[], env: Record<string, string>) => {
    const next = queue.then(
      () =>
        new Promise<TimedRun>((resolve, reject) => {
          waiting.push(resolve);
          failed.push(reject);
          child.stdin.write(`${JSON.stringify({ args, env })}\n`);
        }),
    );
    queue = next.catch(() => undefined);
    return next;
  };
  return { run, close: () => child.stdin.end() };
};
