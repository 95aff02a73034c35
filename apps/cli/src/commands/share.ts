/** `keypears share ITEM --to ADDRESS`: seal an item to another address and hand it to your server for delivery. */

import { sendShare } from "@keypears/share";
import { requireSynced } from "../synced.ts";
import { usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";
import {
  parseExpiry,
  shareDeps,
  shareNetwork,
  sharingFailure,
  syncRound,
} from "../share-network.ts";

export const command = defineCommand({
  usage: "share <item> --to <address> [--fields a,b] [--expires 7d] [--message <text>]",
  description: `
Sends a copy of an item to another address, on this server or any other. The copy is sealed to
the recipient's key (X-Wing: X25519 + ML-KEM-768) and signed with your account's key; neither
server can read, alter or redirect it. The first time you share with an address its key log is
pinned (trust on first use): compare safety numbers with \`keypears contacts verify <address>\`.
Your server delivers the share, retrying for days while the recipient's server is down.`,
  options: {
    to: {
      type: "string",
      valueName: "<address>",
      description: "the recipient, e.g. bob@example.org",
    },
    fields: {
      type: "string",
      valueName: "<a,b>",
      description: "share only these fields (default: all but folder, tags and favorite)",
    },
    expires: {
      type: "string",
      valueName: "<7d>",
      description: "how long the share waits (m, h or d; default 7d, at most 90d)",
    },
    message: {
      type: "string",
      valueName: "<text>",
      description: "a note for the recipient (sealed too)",
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears share Bank --to bob@example.org",
    "keypears share 'Wi-Fi' --to bob@example.org --fields password --expires 1d --message 'home wifi'",
  ],
  run: async (ctx) => {
    const to = ctx.values.to;
    if (to === undefined) throw usageError("--to <address> is required", "share");
    const expiresInMs = parseExpiry(ctx.values.expires ?? "7d");
    if (expiresInMs === undefined)
      throw usageError("--expires takes a number and m, h or d, at most 90d (e.g. 7d)", "share");
    requireSynced(ctx, "server to share through: it can neither send nor receive shares");
    return withVault(ctx, async (vault) => {
      await syncRound(ctx, vault);
      const fields = ctx.values.fields
        ?.split(",")
        .map((f) => f.trim())
        .filter((f) => f !== "");
      const sent = await sendShare(
        vault,
        {
          item: ctx.positionals[0] as string,
          to,
          expiresInMs,
          ...(fields === undefined ? {} : { fields }),
          ...(ctx.values.message === undefined ? {} : { message: ctx.values.message }),
        },
        await shareNetwork(vault),
        shareDeps(),
      );
      if (!sent.ok) throw sharingFailure(sent.error);
      await syncRound(ctx, vault);
      if (ctx.json) ctx.out.data(sent.value);
      else ctx.out.line(`Share ${sent.value.id} to ${sent.value.to}: ${sent.value.status}.`);
    });
  },
});
