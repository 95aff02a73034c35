/** `keypears add`: a new item of any type, its fields from flags. */

import { vaultFailure, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";

import { fieldChanges, ITEM_OPTIONS, parseItemFlags } from "../item-input.ts";
import { itemJson } from "../item-json.ts";
import { readSecretFlags } from "../secret-input.ts";
import { shortIds } from "../short-ids.ts";
import { warnDuplicateTitle } from "../duplicate-title.ts";
import { withVault } from "../session.ts";
import { addFromJson } from "./add-json.ts";

export const command = defineCommand({
  usage: "add --title <title> [options]",
  description: `
Adds an item to the vault. --url, --tag, --field and --hidden-field may be repeated. Secret
fields (password, totp, cardNumber, cvv, apiKey, apiSecret and hidden fields) are never shown
unless asked for: \`keypears get <item> --field password\`.

A secret value given on the command line is visible to other users (\`ps\`) and kept in shell
history: write \`-\` to read it from standard input (\`--password -\`, \`--field cvv=-\`; one line
each, \`--notes -\` takes all that is left), or leave it out to be asked without echo
(\`--password\`, \`--field cvv\`).

--generate makes a random password (20 characters by default, or a passphrase with
--passphrase); it is stored, not printed.

Each type's own fields, set with --field name=value (any case):
  card       cardholder, cardNumber, expiry, cvv
  identity   fullName, email, phone, postalAddress
  apikey     apiKey, apiSecret
Any other name makes a custom field; --hidden-field makes one that is masked like a password.

--json without --title reads items from standard input instead: one object or an array, in the
shape \`get --json --reveal\` prints (ids and times are ignored; each becomes a new item), all
added in one transaction or none.
`,
  options: ITEM_OPTIONS,
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears add --title GitHub --username alice --generate --url https://github.com --tag work",
    "keypears add --type note --title 'Wi-Fi' --notes 'network: home, key: in the hall'",
    "keypears add --type card --title Visa --field expiry=12/29 --field cardNumber --field cvv   # asks for both",
    "keypears add --title Bank --username alice --password   # asks for the password without echo",
    "pass show stripe | keypears add --type apikey --title Stripe --field apiKey=-",
    "keypears get GitHub --json --reveal | jq '.title = \"GitHub (work)\"' | keypears add --json",
  ],
  run: async (ctx) => {
    if (ctx.values.title === undefined && ctx.json) return addFromJson(ctx);
    if (ctx.values.title === undefined) throw usageError("--title is required", "add");
    const intent = parseItemFlags(await readSecretFlags(ctx, ctx.values, "add"), "add");
    return withVault(ctx, (vault) => {
      warnDuplicateTitle(ctx, vault, ctx.values.title);
      const added = vault.add({
        type: intent.type ?? "login",
        fields: fieldChanges(intent, undefined),
      });
      if (!added.ok) throw vaultFailure(added.error);
      const item = added.value;
      if (ctx.json) {
        ctx.out.data(itemJson(item));
        return;
      }
      const shortId = shortIds(vault);
      ctx.out.line(`Added "${item.title}" (${item.type}, id ${shortId(item.id)}).`);
      if (intent.generated !== undefined) {
        const { description, entropyBits } = intent.generated;
        ctx.out.line(
          `Generated a ${description} (${Math.floor(entropyBits)} bits); see it with \`keypears get ${shortId(item.id)} --field password\`.`,
        );
      }
    });
  },
});
