/** `keypears tags`: every tag in use, with how many live items carry it. */

import { defineCommand } from "../command.ts";
import { countValues, printCounts } from "../value-counts.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "tags",
  description: `
Lists the tags of the live items with how many items carry each, most used first. Tags that
differ only in case count as one. List a tag's items with \`keypears list --tag <tag>\`.`,
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["keypears tags", "keypears tags --json"],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      printCounts(ctx, countValues(vault.list(), "tags"), "tag", "No tags yet.");
    }),
});
