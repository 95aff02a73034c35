/** `keypears folders`: every folder in use, with how many live items each holds. */

import { defineCommand } from "../command.ts";
import { countValues, printCounts } from "../value-counts.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "folders",
  description: `
Lists the folders of the live items with how many items each holds, most used first. Put an item
in one with \`keypears edit <item> --folder <name>\`; list them with \`keypears list --folder\`.`,
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["keypears folders", "keypears folders --json"],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      printCounts(ctx, countValues(vault.list(), "folder"), "folder", "No folders yet.");
    }),
});
