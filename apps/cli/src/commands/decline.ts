/** `keypears decline ID`: delete a share from the inbox without opening it into the vault. */

import { declineShare } from "@keypears/share";
import { requireSynced } from "../synced.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";
import { shareNetwork, sharingFailure } from "../share-network.ts";

export const command = defineCommand({
  usage: "decline <id>",
  description:
    "Deletes a share from the inbox. Its id stays known to your server, so it is never delivered again.",
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["keypears decline 0193f3c2"],
  run: async (ctx) => {
    requireSynced(ctx, "inbox: it can neither send nor receive shares");
    return withVault(ctx, async (vault) => {
      const declined = await declineShare(
        vault,
        ctx.positionals[0] as string,
        await shareNetwork(vault),
      );
      if (!declined.ok) throw sharingFailure(declined.error);
      if (ctx.json) ctx.out.data(declined.value);
      else ctx.out.line(`Declined share ${declined.value.id}.`);
    });
  },
});
