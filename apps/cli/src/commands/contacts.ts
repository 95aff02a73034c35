/** `keypears contacts [verify ADDRESS [--reset] | block ADDRESS | unblock ADDRESS]`: pinned key logs and safety numbers. */

import { type Address, parseAddress } from "@keypears/base";
import {
  blockSender,
  contactKeys,
  listContacts,
  markVerified,
  ownSafetyNumber,
} from "@keypears/share";
import { requireSynced } from "../synced.ts";
import { CliError, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";
import { shareDeps, shareNetwork, sharingFailure, syncRound } from "../share-network.ts";

export const command = defineCommand({
  usage: "contacts [verify <address> [--reset] | block <address> | unblock <address>]",
  description: `
Lists the addresses whose keys this account pinned (on first share), with their safety numbers,
and this account's own. \`verify\` fetches the address's key log, shows its safety number and
marks it verified: compare it with the number the other person sees for themselves (\`keypears
contacts\`) over a channel you trust. \`--reset\` pins the current log again after a key change
was reported (only after comparing numbers). \`block\` makes your server refuse shares from an
address; \`unblock\` lifts it.`,
  options: {
    reset: { type: "boolean", description: "with verify: pin the address's current key log again" },
  },
  positionals: { min: 0, max: 2 },
  examples: [
    "keypears contacts",
    "keypears contacts verify bob@example.org",
    "keypears contacts block spam@example.net",
  ],
  run: async (ctx) => {
    const [action, target] = ctx.positionals;
    if (action !== undefined && !["verify", "block", "unblock"].includes(action))
      throw usageError(
        `unknown contacts action "${action}" (verify, block or unblock)`,
        "contacts",
      );
    if (action !== undefined && target === undefined)
      throw usageError(`usage: keypears contacts ${action} <address>`, "contacts");
    requireSynced(ctx, "contacts: it can neither send nor receive shares");
    return withVault(ctx, async (vault) => {
      await syncRound(ctx, vault);
      if (action === "block" || action === "unblock") {
        const blocked = await blockSender(
          vault,
          target as string,
          action === "block",
          await shareNetwork(vault),
        );
        if (!blocked.ok) throw sharingFailure(blocked.error);
        if (ctx.json) ctx.out.data({ blocked: blocked.value });
        else
          ctx.out.line(
            action === "block"
              ? `Blocked ${target}: your server refuses its shares.`
              : `Unblocked ${target}.`,
          );
        return;
      }
      if (action === "verify") {
        const address = parseAddress(target as string);
        if (!address.ok) throw new CliError(`${target}: ${address.error.reason}`);
        const keys = await contactKeys(
          vault,
          address.value as Address,
          await shareNetwork(vault),
          shareDeps(),
          {
            repin: ctx.values.reset === true,
          },
        );
        if (!keys.ok) throw sharingFailure(keys.error);
        const contact = markVerified(vault, keys.value.contact, Date.now());
        await syncRound(ctx, vault);
        if (ctx.json)
          ctx.out.data({
            address: contact.address,
            safetyNumber: contact.safetyNumber,
            verified: true,
          });
        else
          ctx.out.line(
            `Safety number of ${contact.address}:\n  ${contact.safetyNumber}\nMarked verified. If it differs from the number ${contact.address} reads to you, do not share with it.`,
          );
        return;
      }
      const contacts = listContacts(vault);
      const own = ownSafetyNumber(vault);
      if (ctx.json) {
        ctx.out.data({
          self: { address: vault.address, safetyNumber: own ?? null },
          contacts: contacts.map((c) => ({
            address: c.address,
            safetyNumber: c.safetyNumber,
            verified: c.verifiedAt !== null,
            pinnedAt: new Date(c.pinnedAt).toISOString(),
          })),
        });
        return;
      }
      ctx.out.line(
        `Your safety number (${vault.address}): ${own ?? "none yet (share or open the inbox once)"}`,
      );
      if (contacts.length === 0) ctx.out.line("No contacts yet.");
      else
        ctx.out.table(
          ["ADDRESS", "SAFETY NUMBER", "STATE"],
          contacts.map((c) => [
            c.address,
            c.safetyNumber,
            c.verifiedAt === null ? "pinned" : "verified",
          ]),
        );
    });
  },
});
