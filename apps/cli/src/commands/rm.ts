/** `keypears rm <id|title>`: to the trash, or (`--permanent`) deleted for good. */

import { CliError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";

import { itemJson } from "../item-json.ts";
import { shortIds } from "../short-ids.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "rm <id|title> [--permanent]",
  description: `
Moves an item to the trash, from where \`keypears restore\` brings it back. --permanent deletes it
for good on every device (its encrypted history stays in the log, but no device shows it again).`,
  options: { permanent: { type: "boolean", description: "delete for good instead of trashing" } },
  positionals: { min: 1, max: 1 },
  examples: ["keypears rm GitHub", "keypears rm 3f2a1c7e --permanent"],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      const shortId = shortIds(vault);
      const ref = ctx.positionals[0] as string;
      let result;
      if (ctx.values.permanent === true) {
        result = vault.purge(ref);
      } else {
        const found = vault.get(ref);
        if (!found.ok) throw vaultFailure(found.error);
        if (found.value.status === "trashed")
          throw new CliError(
            `"${found.value.title}" is already in the trash; \`keypears rm ${shortId(found.value.id)} --permanent\` deletes it for good`,
          );
        result = vault.trash(found.value.id);
      }
      if (!result.ok) throw vaultFailure(result.error);
      const item = result.value;
      if (ctx.json) {
        ctx.out.data(itemJson(item));
        return;
      }
      ctx.out.line(
        ctx.values.permanent === true
          ? `Deleted "${item.title}" permanently.`
          : `Moved "${item.title}" to the trash; \`keypears restore ${shortId(item.id)}\` brings it back.`,
      );
    }),
});
