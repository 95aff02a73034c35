/** Runs the real `bin/keypears.js` as a child process, as a user or a script would. */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BIN = join(import.meta.dirname, "..", "..", "bin", "keypears.js");
export const PASSWORD = "correct horse battery staple";

/** Options whose value is a secret: never printed in a test's failure message. */
const SECRET_OPTIONS = new Set(["--password", "--new-password", "--secret-key", "--file-password"]);

/** A command line to show in a failure message, with the values of secret options masked. */
export const shownCommand = (args: readonly string[]): string =>
  [
    "keypears",
    ...args.map((arg, i) =>
      i > 0 && SECRET_OPTIONS.has(args[i - 1] as string) && arg !== "-" ? "***" : arg,
    ),
  ].join(" ");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** KEYPEARS_HOME; each one is a separate device. */
  readonly home: string;
  /** KEYPEARS_PASSWORD; `null` leaves it unset. Default: PASSWORD. */
  readonly password?: string | null;
  /** Written to stdin (then closed); stdin is always a pipe, never a terminal. */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Runs the command as this user (and group of the same number); needs a test run by root. */
  readonly uid?: number;
  /** How long the command may run before it is killed and the test fails (default 120 s). */
  readonly timeoutMs?: number;
}

/** A bound on every CLI run, so a command that hangs fails its test instead of stalling the suite. */
const DEFAULT_TIMEOUT_MS = 120_000;

/** Kills `child` after `timeoutMs` and rejects with the command and what it printed; the timer is cleared on close. */
const bound = (
  child: ChildProcess,
  args: readonly string[],
  timeoutMs: number,
  printed: () => string,
  reject: (error: Error) => void,
): void => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => {
    child.kill("SIGKILL");
    reject(new Error(`${shownCommand(args)} did not exit within ${timeoutMs} ms:\n${printed()}`));
  }, timeoutMs);
  // The child's own pipes keep the process alive while it runs; the timer alone never should.
  timer.unref();
  child.on("close", () => clearTimeout(timer));
};

const cliEnv = (options: RunOptions): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && !name.startsWith("KEYPEARS_") && name !== "NO_COLOR")
      env[name] = value;
  env["KEYPEARS_HOME"] = options.home;
  const password = options.password === undefined ? PASSWORD : options.password;
  if (password !== null) env["KEYPEARS_PASSWORD"] = password;
  Object.assign(env, options.env);
  return env;
};

export interface RunningCli {
  /** What it printed on stdout so far. */
  readonly stdout: () => string;
  /** Sends SIGINT (Ctrl-C) and waits for it to exit. */
  readonly interrupt: () => Promise<CliResult>;
}

/** Starts a long-running command (`sync --watch`), as a user leaves it running in a terminal. */
export const startCli = (args: readonly string[], options: RunOptions): RunningCli => {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(options), stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const closed = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  child.stdin.end(options.input ?? "");
  return {
    stdout: () => stdout,
    interrupt: () => {
      if (child.exitCode === null) child.kill("SIGINT");
      // A long-running command may run as long as its test wants, but must stop when asked.
      return new Promise<CliResult>((resolve, reject) => {
        bound(child, [...args, "(after SIGINT)"], 30_000, () => stdout + stderr, reject);
        closed.then(resolve, reject);
      });
    },
  };
};

export const runCli = (args: readonly string[], options: RunOptions): Promise<CliResult> => {
  const env = cliEnv(options);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: "pipe",
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    bound(child, args, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => stdout + stderr, reject);
    child.stdin.end(options.input ?? "");
  });
};

export interface TempHome {
  readonly path: string;
  readonly remove: () => void;
}

export const createTempHome = (): TempHome => {
  const path = mkdtempSync(join(tmpdir(), "keypears-cli-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

/** Parses stdout as one JSON document, failing with what was printed if it is not. */
export const parseJson = (result: CliResult): unknown => {
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
};

/**
 * Checks a user error: the exit code, one line on stderr starting "keypears: " (matching
 * `message`), no stack trace, nothing on stdout.
 */
export const assertUserError = (result: CliResult, code: 1 | 2, message?: RegExp): void => {
  const context = `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  assert.equal(result.code, code, context);
  assert.equal(result.stdout, "", context);
  assert.match(result.stderr, /^keypears: [^\n]+\n$/, context);
  assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+|node:internal|Error:/, context);
  if (message !== undefined) assert.match(result.stderr, message, context);
};
