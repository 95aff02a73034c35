/** `keypears passwd`: changes the master password (on the server first, for a synced account). */

import { CliError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { readNewPassword } from "../secrets.ts";
import { ALLOW_WEAK_OPTION, checkMasterPasswordStrength } from "../master-password-strength.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "passwd",
  description: `
Asks for the current master password, then the new one twice. Only the vault key's wrapping
changes; no item is re-encrypted. For a synced account the server learns the new credentials
first, and this device changes only if the server agreed, so the two never disagree. Other
devices keep working with the password they have until they next unlock.

For scripts: KEYPEARS_PASSWORD and KEYPEARS_NEW_PASSWORD, or --password-stdin with the current
password on the first line and the new one on the second.`,
  options: { ...ALLOW_WEAK_OPTION },
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears passwd",
    'printf \'%s\\n%s\\n\' "$OLD" "$NEW" | keypears passwd --password-stdin',
  ],
  run: async (ctx) =>
    withVault(ctx, async (vault, current) => {
      const next = await readNewPassword(ctx, {
        question: `New master password for ${vault.address}: `,
        variable: "KEYPEARS_NEW_PASSWORD",
        stdinIndex: 1,
      });
      await checkMasterPasswordStrength(ctx, next, vault.address);
      if (next === current)
        throw new CliError("the new password is the same as the current one; nothing was changed");
      const change = await vault.changePassword(current, next);
      if (!change.ok) throw vaultFailure(change.error);
      let serverUpdated = false;
      if (!vault.localOnly) {
        const services = await ctx.syncServices();
        const told = await services.changePasswordOnServer(vault, change.value);
        if (!told.ok)
          throw new CliError(`${told.error.message}; the password was not changed anywhere`);
        serverUpdated = true;
      }
      change.value.commit();
      if (ctx.json) {
        ctx.out.data({ account: vault.address, changed: true, serverUpdated });
        return;
      }
      ctx.out.line(
        `Changed the master password of ${vault.address}${serverUpdated ? " on this device and its server" : ""}. Your Secret Key is unchanged.`,
      );
    }),
});
