/** `keypears inbox`: shares sent to this account, each verified against its sender's pinned keys. */

import { readInbox } from "@keypears/share";
import { requireSynced } from "../synced.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";
import { shareDeps, shareNetwork, sharingFailure, syncRound } from "../share-network.ts";

export const command = defineCommand({
  usage: "inbox [--json]",
  description: `
Lists the shares waiting for you. Each is checked before it is shown: signed by the sender's key
(pinned on first use), addressed to you, not expired, and it opens with your key. A share that
fails a check is listed as refused, with the reason, and cannot be accepted.`,
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["keypears inbox", "keypears inbox --json"],
  run: async (ctx) => {
    requireSynced(ctx, "inbox: it can neither send nor receive shares");
    return withVault(ctx, async (vault) => {
      await syncRound(ctx, vault);
      const inbox = await readInbox(vault, await shareNetwork(vault), shareDeps());
      if (!inbox.ok) throw sharingFailure(inbox.error);
      await syncRound(ctx, vault);
      if (ctx.json) {
        ctx.out.data(
          inbox.value.map((e) =>
            e.valid
              ? {
                  id: e.id,
                  from: e.from,
                  receivedAt: e.receivedAt,
                  expiresAt: new Date(e.expiresAt).toISOString(),
                  valid: true,
                  title: e.content.title,
                  type: e.content.type,
                  fields: Object.keys(e.content.fields),
                  message: e.content.message ?? null,
                  verifiedContact: e.verifiedContact,
                }
              : {
                  id: e.id,
                  from: e.from,
                  receivedAt: e.receivedAt,
                  valid: false,
                  problem: e.problem,
                },
          ),
        );
        return;
      }
      if (inbox.value.length === 0) {
        ctx.out.line("The inbox is empty.");
        return;
      }
      ctx.out.table(
        ["ID", "FROM", "TITLE", "STATE"],
        inbox.value.map((e) => [
          e.id,
          e.from,
          e.valid ? e.content.title : "",
          e.valid
            ? e.verifiedContact
              ? "verified sender"
              : "sender not verified yet"
            : `refused: ${e.problem}`,
        ]),
      );
    });
  },
});
