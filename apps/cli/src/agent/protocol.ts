/**
 * The agent's wire format: one JSON object per line over its Unix socket. Every connection starts
 * with the token from the agent's 0600 token file, so only a process that can read this user's
 * files can ask anything.
 */

import type { Socket } from "node:net";

/** What a client asks. */
export type AgentRequest =
  | { readonly t: "status"; readonly token: string }
  | { readonly t: "lock"; readonly token: string }
  | { readonly t: "titles"; readonly token: string }
  | {
      readonly t: "run";
      readonly token: string;
      readonly argv: readonly string[];
      readonly env: Readonly<Record<string, string>>;
      readonly account: string | undefined;
      readonly stdoutTTY: boolean;
      readonly stderrTTY: boolean;
    };

/** Messages from the client while a command runs. */
export type ClientMessage =
  { readonly t: "in"; readonly d: string } | { readonly t: "in-end" } | { readonly t: "int" };

export interface AgentState {
  readonly address: string;
  readonly pid: number;
  /** Epoch ms when the idle timeout locks the agent. */
  readonly locksAt: number;
  readonly timeoutMs: number;
  readonly syncing: boolean;
}

/** What the agent answers. */
export type AgentMessage =
  | { readonly t: "status"; readonly state: AgentState }
  | { readonly t: "locked" }
  | { readonly t: "titles"; readonly titles: readonly string[] }
  | { readonly t: "decline"; readonly reason: string }
  | { readonly t: "denied" }
  | { readonly t: "out"; readonly d: string }
  | { readonly t: "err"; readonly d: string }
  | { readonly t: "stdin" }
  | { readonly t: "exit"; readonly code: number };

export const send = (socket: Socket, message: AgentRequest | ClientMessage | AgentMessage) => {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
};

/**
 * Calls `onMessage` for each line that arrives on `socket`, parsed as JSON. A line arrives in many
 * chunks when it is long (`list`'s table of 10,000 rows is one line of some 600 kB): only each new
 * chunk is searched for the line's end, and the pieces are joined once, when it comes.
 */
export const onMessages = (socket: Socket, onMessage: (message: unknown) => void): void => {
  let pieces: string[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    let from = 0;
    let end = chunk.indexOf("\n");
    while (end >= 0) {
      pieces.push(chunk.slice(from, end));
      const line = pieces.join("");
      pieces = [];
      if (line !== "") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line) as unknown;
        } catch {
          socket.destroy();
          return;
        }
        onMessage(parsed);
      }
      from = end + 1;
      end = chunk.indexOf("\n", from);
    }
    if (from < chunk.length) pieces.push(from === 0 ? chunk : chunk.slice(from));
  });
};

/** Parses `10m`, `90s`, `1h`, `500ms` or a plain number of seconds; at most a day. */
export const parseDuration = (text: string): number | undefined => {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1000;
  const ms = Number(match[1]) * unit;
  return ms > 0 && ms <= 86_400_000 ? ms : undefined;
};

export const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 === 0 ? "" : ` ${seconds % 60} s`}`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};
