/** `keypears unlock`: starts the agent that keeps this account unlocked for the next commands. */

import { spawn } from "node:child_process";
import { CliError, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { keypearsBin } from "../agent/bin-path.ts";
import { askAgent } from "../agent/client.ts";
import type { AgentStart, AgentStarted } from "../agent/daemon.ts";
import { formatDuration, parseDuration } from "../agent/protocol.ts";
import { readConfig } from "../config.ts";
import { localTime } from "../format.ts";
import { selectAccount } from "../session.ts";
import { readPassword } from "../secrets.ts";

export const DEFAULT_AGENT_TIMEOUT = "15m";

export const command = defineCommand({
  usage: "unlock [--timeout <duration>] [--sync]",
  description: `
Unlocks the account once and keeps it unlocked in a background agent, so that the next commands
(get, list, add, edit, copy, ...) need no password and no key derivation. The keys stay in the
agent's memory only, never on disk. The agent answers only this user: it listens on a Unix
socket in a directory only you can enter, and each request must carry a token from a file only
you can read.

The agent locks itself (dropping the keys and exiting) after --timeout without a command
(default ${DEFAULT_AGENT_TIMEOUT}, or agentTimeout in \`keypears config\`); \`keypears lock\` locks
at once. \`keypears status\` shows when it locks. --sync keeps a synced account synced in the
background while unlocked (what \`sync --watch\` does).`,
  options: {
    timeout: {
      type: "string",
      valueName: "duration",
      description: `lock after this long without a command: 90s, 10m, 1h (default ${DEFAULT_AGENT_TIMEOUT})`,
    },
    sync: { type: "boolean", description: "sync in the background while unlocked" },
  },
  positionals: { min: 0, max: 0 },
  examples: ["keypears unlock", "keypears unlock --timeout 1h --sync", "keypears lock"],
  run: async (ctx) => {
    const timeoutText =
      ctx.values.timeout ?? readConfig(ctx.home).agentTimeout ?? DEFAULT_AGENT_TIMEOUT;
    const timeoutMs = parseDuration(timeoutText);
    if (timeoutMs === undefined)
      throw usageError(
        `--timeout "${timeoutText}" is not a duration such as 90s, 10m or 1h (at most 24h)`,
        "unlock",
      );
    const address = selectAccount(ctx);
    const running = await askAgent(ctx.home, ctx.io.env, { t: "status" });
    if (running?.t === "status") {
      ctx.out.line(
        `Already unlocked (${running.state.address}); locks at ${localTime(running.state.locksAt)} unless used.`,
      );
      return;
    }
    const password = await readPassword(ctx, address);
    const env: Record<string, string> = {};
    for (const name of ["XDG_RUNTIME_DIR", "KEYPEARS_HOME"])
      if (ctx.io.env[name] !== undefined) env[name] = ctx.io.env[name] as string;
    const start: AgentStart = {
      home: ctx.home,
      address,
      password,
      timeoutMs,
      sync: ctx.values.sync === true,
      env,
    };
    const agentEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.io.env))
      if (
        value !== undefined &&
        !name.startsWith("KEYPEARS_PASSWORD") &&
        name !== "KEYPEARS_NEW_PASSWORD"
      )
        agentEnv[name] = value;
    const started = await startAgent(start, agentEnv);
    if (!started.ok) throw new CliError(`could not unlock: ${started.message}`);
    if (ctx.json) {
      ctx.out.data({
        unlocked: started.state.address,
        locksAt: new Date(started.state.locksAt).toISOString(),
        pid: started.state.pid,
      });
      return;
    }
    ctx.out.line(
      `Unlocked ${started.state.address} for ${formatDuration(timeoutMs)} after the last command (pid ${started.state.pid}).` +
        (start.sync ? " Syncing in the background." : ""),
    );
    ctx.out.note("`keypears lock` locks now.");
  },
});

/** Starts the agent detached (it outlives this command) and waits for its first line. */
const startAgent = (start: AgentStart, env: NodeJS.ProcessEnv): Promise<AgentStarted> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [keypearsBin(), "__agent"], {
      detached: true,
      stdio: ["pipe", "pipe", "ignore"],
      env,
    });
    let text = "";
    child.on("error", reject);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    child.stdout.on("end", () => {
      child.unref();
      try {
        resolve(JSON.parse(text) as AgentStarted);
      } catch {
        resolve({ ok: false, message: "the agent did not start" });
      }
    });
    // The password travels on a pipe, never in argv or the environment.
    child.stdin.end(JSON.stringify(start));
  });
