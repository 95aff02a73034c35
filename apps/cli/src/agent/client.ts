/**
 * The client side of the agent: finds this home's agent (only in a private directory, only a
 * socket this user owns), proves itself with the token, and either asks one question (status,
 * lock, titles) or runs a whole command there, relaying its output, standard input and Ctrl-C.
 */

import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { CliError } from "../cli-error.ts";
import { resolveHome } from "@keypears/vault/home";
import type { CliIo } from "../io.ts";
import { namedAccount } from "./forwarded.ts";
import { agentPaths, isOwnSocket, isPrivateDir } from "./paths.ts";
import { type AgentMessage, type AgentRequest, onMessages, send } from "./protocol.ts";

type WithoutToken<T> = T extends unknown ? Omit<T, "token"> : never;

interface Connection {
  readonly socket: Socket;
  readonly token: string;
}

/** The agent of `home`, connected; `undefined` when none is running (or none this user can trust). */
export const connectAgent = async (
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<Connection | undefined> => {
  const paths = agentPaths(home, env);
  if (!isPrivateDir(paths.dir) || !isOwnSocket(paths.socket)) return undefined;
  let token: string;
  try {
    token = readFileSync(paths.token, "utf8").trim();
  } catch {
    return undefined;
  }
  return new Promise((resolve) => {
    const socket = connect(paths.socket);
    socket.once("connect", () => {
      socket.off("error", failed);
      resolve({ socket, token });
    });
    // A socket left by an agent that was killed refuses connections: no agent.
    const failed = () => resolve(undefined);
    socket.once("error", failed);
  });
};

/** Asks the agent one question and returns its first answer; `undefined` when no agent runs. */
export const askAgent = async (
  home: string,
  env: NodeJS.ProcessEnv,
  request: WithoutToken<Exclude<AgentRequest, { t: "run" }>>,
): Promise<AgentMessage | undefined> => {
  const connection = await connectAgent(home, env);
  if (connection === undefined) return undefined;
  const { socket, token } = connection;
  return new Promise((resolve) => {
    onMessages(socket, (message) => {
      socket.end();
      resolve(message as AgentMessage);
    });
    socket.on("error", () => resolve(undefined));
    socket.on("close", () => resolve(undefined));
    send(socket, { ...request, token } as AgentRequest);
  });
};

/** Secrets a command never needs in the agent, which already holds the unlocked vault. */
const NOT_FORWARDED = new Set([
  "KEYPEARS_PASSWORD",
  "KEYPEARS_NEW_PASSWORD",
  "KEYPEARS_SECRET_KEY",
]);

/**
 * Runs the command line `argv` in this home's agent. Resolves to its exit code, or to `undefined`
 * when there is no agent or it holds another account (the caller then unlocks by itself).
 */
export const runInAgent = async (
  io: CliIo,
  argv: readonly string[],
): Promise<number | undefined> => {
  const connection = await connectAgent(resolveHome(io.env), io.env);
  if (connection === undefined) return undefined;
  const { socket, token } = connection;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(io.env))
    if (value !== undefined && !NOT_FORWARDED.has(name)) env[name] = value;
  return new Promise<number | undefined>((resolve, reject) => {
    let settled = false;
    const stopInterrupt = io.onInterrupt(() => send(socket, { t: "int" }));
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      stopInterrupt();
      socket.end();
      finish();
    };
    const relayStdin = async () => {
      for await (const chunk of io.stdin) send(socket, { t: "in", d: String(chunk) });
      send(socket, { t: "in-end" });
    };
    onMessages(socket, (raw) => {
      const message = raw as AgentMessage;
      switch (message.t) {
        case "out":
          io.stdout.write(message.d);
          break;
        case "err":
          io.stderr.write(message.d);
          break;
        case "stdin":
          relayStdin().catch(() => socket.destroy());
          break;
        case "exit":
          settle(() => resolve(message.code));
          break;
        case "decline":
          settle(() => resolve(undefined));
          break;
        default:
          settle(() => reject(new CliError("the agent refused the request")));
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () =>
      settle(() =>
        reject(new CliError("the agent stopped while running the command (locked?); run it again")),
      ),
    );
    send(socket, {
      t: "run",
      token,
      argv,
      env,
      account: namedAccount(argv, io.env),
      stdoutTTY: io.stdout.isTTY,
      stderrTTY: io.stderr.isTTY,
    });
  });
};
