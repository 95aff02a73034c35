/** `keypears rm <id|title>`: to the trash, or (`--permanent`) deleted for good. */

import { CliError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";

import { confirmOrStop } from "../confirm.ts";
import { itemJson } from "../item-json.ts";
import { shortIds } from "../short-ids.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "rm <id|title> [--permanent]",
  description: `
Moves an item to the trash, from where \`keypears restore\` brings it back. --permanent deletes it
for good on every device (its encrypted history stays in the log, but no device shows it again);
it asks first on a terminal, and needs --yes anywhere else.`,
  options: {
    permanent: { type: "boolean", description: "delete for good instead of trashing (asks first)" },
    yes: { type: "boolean", short: "y", description: "with --permanent: do not ask" },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears rm GitHub",
    "keypears rm 3f2a1c7e --permanent",
    "keypears rm 3f2a1c7e --permanent --yes",
  ],
  run: async (ctx) =>
    withVault(ctx, async (vault) => {
      const shortId = shortIds(vault);
      const ref = ctx.positionals[0] as string;
      let result;
      if (ctx.values.permanent === true) {
        const found = vault.get(ref);
        if (!found.ok) throw vaultFailure(found.error);
        if (ctx.values.yes !== true)
          await confirmOrStop(
            ctx,
            `Delete "${found.value.title}" for good, on every device?`,
            "--permanent deletes for good: add --yes to confirm",
          );
        result = vault.purge(found.value.id);
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
