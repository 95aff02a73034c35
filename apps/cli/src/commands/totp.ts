/** `keypears totp <id|title>`: the item's current one-time code. */

import { vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "totp <id|title>",
  description: `
Prints the current one-time code from the item's totp field (a base32 secret or an otpauth://
URI). On a terminal it also says how long the code stays valid.`,
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["keypears totp GitHub", "keypears totp GitHub --json"],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      const found = vault.get(ctx.positionals[0] as string);
      if (!found.ok) throw vaultFailure(found.error);
      const code = vault.totp(found.value.id);
      if (!code.ok) throw vaultFailure(code.error);
      const { id, title } = found.value;
      if (ctx.json) {
        ctx.out.data({
          id,
          title,
          code: code.value.code,
          secondsRemaining: code.value.secondsRemaining,
        });
        return;
      }
      ctx.out.line(code.value.code);
      if (ctx.io.stdout.isTTY)
        ctx.out.note(
          ctx.out.errStyle.dim(`(valid for ${code.value.secondsRemaining} more seconds)`),
        );
    }),
});
