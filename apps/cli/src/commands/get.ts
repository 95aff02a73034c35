/** `keypears get <id|title>`: one item (secrets masked), or one field's value for scripts. */

import { CliError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { displayFieldName, findField, readableValue, storedFieldName } from "../fields.ts";
import { plainValue } from "../format.ts";
import { itemJson } from "../item-json.ts";
import { printItem } from "../item-view.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "get <id|title> [--field <name>] [--reveal]",
  description: `
Shows an item with its secret fields masked. --field prints just that field's value, secret or
not, with nothing around it, for scripts and pipes (a list such as urls prints one entry per
line). --reveal shows every secret in the item display and in --json, where secrets are
otherwise null with "concealed": true.

<id|title> is an id, a unique id prefix (4+ characters), or an exact title in any case. A title
that matches several items is an error listing their ids: KeyPears never guesses.`,
  options: {
    field: {
      type: "string",
      valueName: "name",
      description: "print only this field's value (e.g. password, username, a custom field)",
    },
    reveal: { type: "boolean", description: "show secret values too" },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears get GitHub",
    "keypears get GitHub --field password | pbcopy",
    "keypears get 3f2a1c7e --json",
    "keypears get GitHub --field password --json",
  ],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      const found = vault.get(ctx.positionals[0] as string);
      if (!found.ok) throw vaultFailure(found.error);
      const item = found.value;
      const asked = ctx.values.field;
      if (asked !== undefined) {
        const stored = storedFieldName(item, asked);
        const field = findField(item, stored);
        if (field === undefined) {
          const names = item.fields.map((f) => displayFieldName(f.name)).join(", ");
          throw new CliError(`"${item.title}" has no field "${asked}"; its fields: ${names}`);
        }
        const value = readableValue(field.name, field.value);
        if (ctx.json)
          ctx.out.data({
            id: item.id,
            title: item.title,
            field: displayFieldName(field.name),
            value,
          });
        else ctx.out.value(plainValue(value));
        return;
      }
      const reveal = ctx.values.reveal === true;
      if (ctx.json) ctx.out.data(itemJson(item, reveal));
      else printItem(ctx.out, item, { reveal, thisDevice: vault.deviceId });
    }),
});
