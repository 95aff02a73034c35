/** `keypears edit <id|title>`: changes fields; only the fields named are written. */

import { usageError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { displayFieldName } from "../fields.ts";

import { EDIT_OPTIONS, fieldChanges, hasChanges, parseItemFlags } from "../item-input.ts";
import { itemJson } from "../item-json.ts";
import { readSecretFlags } from "../secret-input.ts";
import { shortIds } from "../short-ids.ts";
import { warnDuplicateTitle } from "../duplicate-title.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "edit <id|title> [options]",
  description: `
Takes the same options as \`add\`. Only the fields you name are written, and each field syncs on
its own, so an edit on another device to a different field is kept. --url and --tag replace the
whole list; an empty value (--notes "") or --remove <field> removes a field. Every earlier value
stays in \`keypears history\`.`,
  options: EDIT_OPTIONS,
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears edit GitHub --generate --length 32",
    "keypears edit GitHub --totp   # asks for the secret without echo",
    "keypears edit Bank --password - < new-password.txt",
    "keypears edit GitHub --tag work --tag code --remove notes",
    "keypears edit 3f2a1c7e --field 'recovery codes=abcd efgh'",
  ],
  run: async (ctx) => {
    const intent = parseItemFlags(await readSecretFlags(ctx, ctx.values, "edit"), "edit");
    if (!hasChanges(intent))
      throw usageError("nothing to change: give at least one field option", "edit");
    return withVault(ctx, (vault) => {
      const found = vault.get(ctx.positionals[0] as string);
      if (!found.ok) throw vaultFailure(found.error);
      const changes = fieldChanges(intent, found.value);
      warnDuplicateTitle(ctx, vault, ctx.values.title, found.value.id);
      const edited = vault.edit(found.value.id, changes);
      if (!edited.ok) throw vaultFailure(edited.error);
      const item = edited.value;
      if (ctx.json) {
        ctx.out.data(itemJson(item));
        return;
      }
      const shortId = shortIds(vault);
      const names = Object.keys(changes).map(displayFieldName).join(", ");
      ctx.out.line(`Updated "${item.title}" (id ${shortId(item.id)}): ${names}.`);
      if (intent.generated !== undefined)
        ctx.out.line(
          `Generated a ${intent.generated.description} (${Math.floor(intent.generated.entropyBits)} bits); see it with \`keypears get ${shortId(item.id)} --field password\`.`,
        );
    });
  },
});
