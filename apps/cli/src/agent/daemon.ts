/**
 * The agent process `keypears unlock` starts: it unlocks one account, then serves this user's
 * commands over a Unix socket, running each one here against the vault it holds (one at a time),
 * so no command needs the password or Argon2id again. The keys live only in this process's
 * memory; the idle timeout, `keypears lock` or a signal locks the vault (dropping the keys) and
 * ends the process. With `--sync` it keeps the account synced in the background while unlocked.
 */

import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { describeVaultError, parseAddress, unlockVault, type Vault } from "@keypears/vault";
import type { CliInputStream, CliIo } from "../io.ts";
import { loadSyncServices } from "../sync-services.ts";
import { connectAgent } from "./client.ts";
import { servedByAgent } from "./forwarded.ts";
import { agentPaths, ensurePrivateDir } from "./paths.ts";
import {
  type AgentMessage,
  type AgentRequest,
  type AgentState,
  type ClientMessage,
  onMessages,
  send,
} from "./protocol.ts";

/** What `keypears unlock` hands the agent on its standard input (never argv or the environment). */
export interface AgentStart {
  readonly home: string;
  readonly address: string;
  readonly password: string;
  readonly timeoutMs: number;
  readonly sync: boolean;
  /** The environment of the unlocking shell, for finding the socket directory. */
  readonly env: Readonly<Record<string, string>>;
}

/** The first line the agent writes on its standard output: ready, or why not. */
export type AgentStarted =
  | { readonly ok: true; readonly state: AgentState }
  | { readonly ok: false; readonly message: string };

/** What a command run in the agent sees of it. */
export interface HeldVault {
  readonly vault: Vault;
  readonly state: () => AgentState;
}

export const runAgentProcess = async (): Promise<void> => {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  const start = JSON.parse(text) as AgentStart;
  const report = (started: AgentStarted) => {
    process.stdout.write(`${JSON.stringify(started)}\n`);
    process.stdout.end();
  };
  try {
    await serve(start, report);
  } catch (error) {
    report({ ok: false, message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  }
};

const serve = async (start: AgentStart, report: (started: AgentStarted) => void) => {
  process.umask(0o077);
  const paths = agentPaths(start.home, start.env);
  ensurePrivateDir(paths.dir);
  const running = await connectAgent(start.home, start.env);
  if (running !== undefined) {
    running.socket.destroy();
    throw new Error("an agent is already running for this KeyPears home");
  }
  const unlocked = await unlockVault({
    home: start.home,
    address: start.address,
    password: start.password,
  });
  if (!unlocked.ok) throw new Error(describeVaultError(unlocked.error));
  const vault = unlocked.value;
  const token = randomBytes(32).toString("hex");
  // A socket left by a killed agent: nothing answers on it (checked above), so it can go.
  removeQuietly(paths.socket);
  writeFileSync(paths.token, `${token}\n`, { mode: 0o600 });

  const sync = new AbortController();
  let locksAt = Date.now() + start.timeoutMs;
  let idleTimer: NodeJS.Timeout | undefined;
  let busy = 0;
  const server = createServer();
  const state = (): AgentState => ({
    address: vault.address,
    pid: process.pid,
    locksAt,
    timeoutMs: start.timeoutMs,
    syncing: start.sync && !vault.localOnly,
  });
  let locked = false;
  const lock = () => {
    if (locked) return;
    locked = true;
    clearTimeout(idleTimer);
    sync.abort();
    vault.lock();
    server.close();
    removeQuietly(paths.socket);
    removeQuietly(paths.token);
    // Nothing more to serve: leave without waiting for a background sync to notice the abort.
    setImmediate(() => process.exit(0));
  };
  const touch = () => {
    clearTimeout(idleTimer);
    locksAt = Date.now() + start.timeoutMs;
    // A command still running when the time is up keeps the vault open until it ends.
    idleTimer = setTimeout(() => (busy > 0 ? touch() : lock()), start.timeoutMs);
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, lock);

  // Commands run one at a time: they share one vault.
  let queue: Promise<void> = Promise.resolve();
  const held: HeldVault = { vault, state };
  server.on("connection", (socket: Socket) => {
    let first = true;
    let running: RunningCommand | undefined;
    socket.on("error", () => undefined);
    onMessages(socket, (raw) => {
      if (first) {
        first = false;
        const request = raw as AgentRequest;
        if (!validToken(request.token, token)) {
          send(socket, { t: "denied" });
          socket.destroy();
          return;
        }
        touch();
        switch (request.t) {
          case "status":
            reply(socket, { t: "status", state: state() });
            return;
          case "titles":
            reply(socket, { t: "titles", titles: vault.list().map((item) => item.title) });
            return;
          case "lock":
            reply(socket, { t: "locked" });
            lock();
            return;
          case "run":
            if (!servesAccount(request.account, vault.address)) {
              reply(socket, { t: "decline", reason: "another account" });
              return;
            }
            running = startCommand(socket, request);
            busy++;
            queue = queue.then(() =>
              running?.run(held).finally(() => {
                busy--;
                touch();
              }),
            );
            return;
          default:
            socket.destroy();
        }
        return;
      }
      running?.receive(raw as ClientMessage);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(paths.socket, () => resolve());
  });
  chmodSync(paths.socket, 0o600);
  touch();
  report({ ok: true, state: state() });
  // Opens every item's view once now, not in the first command: later commands find items in
  // the vault's cache of opened views (in this process's memory only, gone when it locks).
  setImmediate(() => {
    if (!locked) vault.list();
    void preloadCommands();
  });
  if (start.sync && !vault.localOnly) void syncInBackground(vault, sync.signal, lock);
};

const OUTPUT_BATCH_CHARS = 64 * 1024;

/** Loads the command line and the commands the agent serves before the first one arrives. */
const preloadCommands = async () => {
  await import("../main.ts");
  const { COMMANDS } = await import("../command-list.ts");
  await Promise.all(
    COMMANDS.filter((entry) => servedByAgent(entry.name)).map((entry) => entry.load()),
  );
};

interface RunningCommand {
  readonly run: (held: HeldVault) => Promise<void>;
  readonly receive: (message: ClientMessage) => void;
}

/** A command line from a client, run here with the client's streams relayed over the socket. */
const startCommand = (
  socket: Socket,
  request: Extract<AgentRequest, { t: "run" }>,
): RunningCommand => {
  const interruptHandlers = new Set<() => void>();
  const stdinChunks: string[] = [];
  let stdinEnded = false;
  let stdinAsked = false;
  let wake: (() => void) | undefined;
  const stdin: CliInputStream = {
    isTTY: false,
    setEncoding: () => undefined,
    on: () => undefined,
    off: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
    async *[Symbol.asyncIterator]() {
      if (!stdinAsked) {
        stdinAsked = true;
        flush();
        send(socket, { t: "stdin" });
      }
      for (;;) {
        const chunk = stdinChunks.shift();
        if (chunk !== undefined) yield chunk;
        else if (stdinEnded) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
  // Standard output goes in batches, not a message per line: `list` of 10,000 items writes
  // 10,000 lines. A batch leaves when it is large, when the command yields, before anything on
  // standard error (so the two keep their order) and before the exit code.
  let pending = "";
  let flushScheduled = false;
  const flush = () => {
    if (pending === "") return;
    send(socket, { t: "out", d: pending });
    pending = "";
  };
  const io: CliIo = {
    env: request.env,
    stdin,
    stdout: {
      write: (d) => {
        pending += d;
        if (pending.length >= OUTPUT_BATCH_CHARS) flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(() => {
            flushScheduled = false;
            flush();
          });
        }
      },
      isTTY: request.stdoutTTY,
    },
    stderr: {
      write: (d) => {
        flush();
        send(socket, { t: "err", d });
      },
      isTTY: request.stderrTTY,
    },
    onInterrupt: (handler) => {
      interruptHandlers.add(handler);
      return () => interruptHandlers.delete(handler);
    },
  };
  socket.on("close", () => {
    // The client went away (Ctrl-C on its side): stop the command like Ctrl-C would.
    for (const handler of interruptHandlers) handler();
    stdinEnded = true;
    wake?.();
  });
  return {
    run: async (held) => {
      const { main } = await import("../main.ts");
      const code = await main(request.argv, { io, held });
      flush();
      reply(socket, { t: "exit", code });
    },
    receive: (message) => {
      if (message.t === "in") stdinChunks.push(message.d);
      else if (message.t === "in-end") stdinEnded = true;
      else if (message.t === "int") for (const handler of interruptHandlers) handler();
      wake?.();
      wake = undefined;
    },
  };
};

/** `--account` (or KEYPEARS_ACCOUNT) naming another account: that command unlocks by itself. */
const servesAccount = (account: string | undefined, address: string): boolean => {
  if (account === undefined) return true;
  const parsed = parseAddress(account);
  return parsed.ok && parsed.value === address;
};

const validToken = (given: unknown, token: string): boolean =>
  typeof given === "string" &&
  given.length === token.length &&
  timingSafeEqual(Buffer.from(given), Buffer.from(token));

const reply = (socket: Socket, message: AgentMessage) => {
  send(socket, message);
  socket.end();
};

const removeQuietly = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
};

/**
 * `unlock --sync`: `sync --watch` in the agent, started again after a failure until locked. When
 * the server ends the session it stops; when the master password was changed on another device,
 * the agent locks: the next command unlocks in its own process, and `keypears sync` there asks
 * for the new password (the agent has no terminal to ask on).
 */
const syncInBackground = async (vault: Vault, signal: AbortSignal, lock: () => void) => {
  const services = await loadSyncServices();
  while (!signal.aborted) {
    const watched = await services.watch(vault, {
      progress: () => undefined,
      onSync: () => undefined,
      signal,
    });
    if (signal.aborted) return;
    if (!watched.ok && watched.error.kind === "session-ended") {
      const changed = await services.credentialsChanged(vault);
      if (changed.ok && changed.value && !signal.aborted) lock();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
  }
};
