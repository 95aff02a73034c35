/** The real `keypears` CLI as another device in a browser test: each call a process of its own. */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../cli/bin/keypears.js", import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliDevice {
  /** Runs `keypears ARGS`; fails after 120 s rather than hanging. */
  readonly run: (
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ) => Promise<CliResult>;
  /** Runs it and asserts that it succeeded; returns its standard output. */
  readonly ok: (args: readonly string[], env?: Readonly<Record<string, string>>) => Promise<string>;
}

/** The CLI with its home in `home`, unlocking with `password`. */
export const cliDevice = (home: string, password: string): CliDevice => {
  const run = (
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const clean = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith("KEYPEARS_")),
      );
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...clean, KEYPEARS_HOME: home, KEYPEARS_PASSWORD: password, ...env },
        stdio: "pipe",
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`keypears ${args.join(" ")} hung:\n${stdout}${stderr}`));
      }, 120_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end();
    });
  return {
    run,
    ok: async (args, env = {}) => {
      const result = await run(args, env);
      assert.equal(result.code, 0, `keypears ${args.join(" ")}: ${result.stderr}`);
      return result.stdout;
    },
  };
};
