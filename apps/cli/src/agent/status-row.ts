/** The agent's line in `keypears status`: whether one is running and when it locks. */

import type { CommandContext } from "../command.ts";
import { localTime } from "../format.ts";
import { askAgent } from "./client.ts";
import type { AgentState } from "./protocol.ts";

const agentState = async (ctx: CommandContext): Promise<AgentState | undefined> => {
  if (ctx.held !== undefined) return ctx.held.state();
  const answer = await askAgent(ctx.home, ctx.io.env, { t: "status" });
  return answer?.t === "status" ? answer.state : undefined;
};

/** For `status --json`: `{ running, locksAt, syncing }`. */
export const agentStatusJson = async (ctx: CommandContext) => {
  const state = await agentState(ctx);
  return state === undefined
    ? { running: false, locksAt: null, syncing: false }
    : { running: true, locksAt: new Date(state.locksAt).toISOString(), syncing: state.syncing };
};

/** For `status`: a label and its text. */
export const agentStatusRow = async (ctx: CommandContext): Promise<[string, string]> => {
  const state = await agentState(ctx);
  return [
    "Agent",
    state === undefined
      ? "not running (`keypears unlock` keeps the account unlocked)"
      : `unlocked; locks at ${localTime(state.locksAt)} unless used${state.syncing ? ", syncing in the background" : ""}`,
  ];
};
