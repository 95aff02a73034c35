/** `keypears restore <id|title>`: brings an item back from the trash. */

import type { Item } from "@keypears/vault";
import { CliError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";

import { itemJson } from "../item-json.ts";
import { shortIds } from "../short-ids.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "restore <id|title>",
  description: `
Brings an item back from the trash with all its fields. \`keypears list --trash\` shows what is
there.`,
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["keypears restore GitHub", "keypears list --trash && keypears restore 3f2a1c7e"],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      const ref = ctx.positionals[0] as string;
      // The vault's restore would also "restore" a live item, writing an event that changes nothing.
      if (!vault.list({ trash: true }).some((item) => matches(item, ref))) {
        const found = vault.get(ref);
        if (!found.ok) throw vaultFailure(found.error);
        throw new CliError(`"${found.value.title}" is not in the trash`);
      }
      const restored = vault.restore(ref);
      if (!restored.ok) throw vaultFailure(restored.error);
      const item = restored.value;
      if (ctx.json) {
        ctx.out.data(itemJson(item));
        return;
      }
      const shortId = shortIds(vault);
      ctx.out.line(`Restored "${item.title}" (id ${shortId(item.id)}).`);
    }),
});

/** The vault's own rule for references: id, unique id prefix of 4+, or exact title in any case. */
const matches = (item: Item, ref: string): boolean => {
  const needle = ref.trim().toLowerCase();
  return (
    item.id === needle ||
    (/^[0-9a-f-]{4,}$/.test(needle) && item.id.startsWith(needle)) ||
    item.title.trim().toLowerCase() === needle
  );
};
