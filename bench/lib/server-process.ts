/**
 * Starts a KeyPears server as a process of its own: on a machine with few cores the server then
 * runs beside the clients that drive it, not inside their event loop, and its memory is its own.
 * An embedded (PGlite) database starts from a copy of a data directory initialised once per suite,
 * so no run pays for (or is timed with) PGlite's initdb.
 */

import { fork } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseOption } from "@keypears/server";
import type { ProfileSummary } from "./profile.ts";
import type {
  ServerEntryOptions,
  ServerMessage,
  ServerRequest,
  ServerUsage,
} from "./server-protocol.ts";
import { makeProcessTempDir } from "./temp-dir.ts";

/** The domain every benchmark server serves; accounts are `name@bench.test`. */
export const BENCH_DOMAIN = "bench.test";

const entry = fileURLToPath(new URL("./server-entry.ts", import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly apiUrl: string;
  readonly pid: number;
  /** The server process's memory and CPU time so far. */
  readonly usage: () => Promise<ServerUsage>;
  /** Starts the CPU profiler in the server process; the returned function stops it for the summary. */
  readonly profile: () => Promise<() => Promise<ProfileSummary>>;
  /** Everything the server logged (warnings and errors). */
  readonly stderr: () => string;
  readonly stop: () => Promise<void>;
}

export interface ServerProcessOptions {
  readonly keepAliveMs?: number;
  /** Extra Node flags for the server process (e.g. `--cpu-prof`). */
  readonly execArgv?: readonly string[];
}

export const startServerProcess = async (
  database: DatabaseOption,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> => {
  const entryOptions: ServerEntryOptions = {
    domain: BENCH_DOMAIN,
    database,
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
  };
  const child = fork(entry, [JSON.stringify(entryOptions)], {
    execArgv: ["--import", "tsx", ...(options.execArgv ?? [])],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const waiters: ((message: ServerMessage) => void)[] = [];
  child.on("message", (message: ServerMessage) => waiters.shift()?.(message));
  const next = (): Promise<ServerMessage> =>
    new Promise((resolve, reject) => {
      waiters.push(resolve);
      void exited.then(() => reject(new Error(`the server process exited:\n${stderr}`)));
    });
  const request = async (message: ServerRequest): Promise<ServerMessage> => {
    const reply = next();
    child.send(message);
    return reply;
  };

  const first = await next();
  if (first.type !== "listening") throw new Error(`the server process said ${first.type}`);
  return {
    url: first.url,
    apiUrl: first.apiUrl,
    pid: child.pid ?? -1,
    usage: async () => {
      const reply = await request({ type: "usage" });
      if (reply.type !== "usage") throw new Error(`expected usage, got ${reply.type}`);
      return reply.usage;
    },
    profile: async () => {
      const started = await request({ type: "profile-start" });
      if (started.type !== "profiling") throw new Error(`expected profiling, got ${started.type}`);
      return async () => {
        const reply = await request({ type: "profile-stop" });
        if (reply.type !== "profile") throw new Error(`expected a profile, got ${reply.type}`);
        return reply.profile;
      };
    },
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.connected) {
        await request({ type: "stop" }).catch(() => undefined);
      }
      await exited;
    },
  };
};

let template: Promise<string> | undefined;

/**
 * A fresh embedded data directory: a copy of one initialised (initdb and migrations) once per
 * process. Copy and start are not timed by any benchmark.
 */
export const freshEmbeddedDatabase = async (
  into: string,
): Promise<Extract<DatabaseOption, { kind: "embedded" }>> => {
  template ??= (async () => {
    const dir = join(makeProcessTempDir("pglite-template"), "data");
    const server = await startServerProcess({ kind: "embedded", dataDir: dir });
    await server.stop();
    return dir;
  })();
  const source = await template;
  if (!existsSync(source)) throw new Error(`the PGlite template ${source} is gone`);
  const dataDir = join(into, "pglite");
  cpSync(source, dataDir, { recursive: true });
  return { kind: "embedded", dataDir };
};
