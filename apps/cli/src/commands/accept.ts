/** `keypears accept ID`: copy a verified share into the vault (with who shared it and when) and clear it from the inbox. */

import { acceptShare } from "@keypears/share";
import { requireSynced } from "../synced.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";
import { shareDeps, shareNetwork, sharingFailure, syncRound } from "../share-network.ts";

export const command = defineCommand({
  usage: "accept <id>",
  description: `
Copies a share from the inbox into your vault as a new item, with a "Shared by" field naming the
sender and the time, then deletes it from the inbox. Only a share that verifies is accepted.`,
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["keypears accept 0193f3c2"],
  run: async (ctx) => {
    requireSynced(ctx, "inbox: it can neither send nor receive shares");
    return withVault(ctx, async (vault) => {
      await syncRound(ctx, vault);
      const accepted = await acceptShare(
        vault,
        ctx.positionals[0] as string,
        await shareNetwork(vault),
        shareDeps(),
      );
      if (!accepted.ok) throw sharingFailure(accepted.error);
      await syncRound(ctx, vault);
      if (ctx.json) ctx.out.data(accepted.value);
      else
        ctx.out.line(
          `Added "${accepted.value.title}" from ${accepted.value.from} (item ${accepted.value.itemId}).`,
        );
    });
  },
});
