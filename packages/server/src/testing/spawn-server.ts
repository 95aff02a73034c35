/**
 * Runs `keypears serve` in a process of its own (through tsx) and waits for it to listen, for the
 * tests of several processes, data directories, locks and signals.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./serve-entry.ts", import.meta.url));

export interface SpawnedServer {
  readonly url: string;
  readonly apiUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (log lines and messages), so far. */
  readonly stderr: () => string;
  /** Sends the signal and resolves to the exit code. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface ExitedServer {
  readonly code: number | null;
  readonly stderr: string;
}

/** Starts the process; resolves once it listens, or to its exit if it stops first. */
export const spawnServe = (
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  // The embedded database takes seconds to start alone, but over 30 s on a loaded machine.
  timeoutMs = 120_000,
): Promise<SpawnedServer | ExitedServer> => {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr += chunk;
      const match = /"msg":"listening","url":"([^"]+)"/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        const url = match[1];
        resolve({
          url,
          apiUrl: `${url}/api/v1`,
          child,
          stderr: () => stderr,
          stop: async (signal = "SIGTERM") => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
};

export const isRunning = (server: SpawnedServer | ExitedServer): server is SpawnedServer =>
  "url" in server;
