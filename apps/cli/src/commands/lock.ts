/** `keypears lock`: stops the agent; its keys go with it. */

import { defineCommand } from "../command.ts";
import { askAgent } from "../agent/client.ts";

export const command = defineCommand({
  usage: "lock",
  description: `
Locks the account that \`keypears unlock\` left unlocked: the agent drops its keys and exits.
The next command asks for the master password again. Nothing to lock is not an error.`,
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["keypears lock"],
  run: async (ctx) => {
    const answer = await askAgent(ctx.home, ctx.io.env, { t: "lock" });
    const locked = answer?.t === "locked";
    if (ctx.json) ctx.out.data({ locked });
    else ctx.out.line(locked ? "Locked." : "Nothing to lock: no agent is running.");
  },
});
