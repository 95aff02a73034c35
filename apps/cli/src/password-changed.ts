/**
 * What a device does when its session has ended: if the account's password was changed on another
 * device (the server's salt differs from this device's), it asks for the new password, signs in
 * again as the same device with the Secret Key it holds, and re-protects its file under the new
 * password, so the old one no longer opens it. Any other ended session (expired, revoked) is
 * reported as such.
 */

import type { Vault } from "@keypears/vault";
import { CliError, syncFailure } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";
import { readChangedPassword } from "./secrets.ts";
import type { SyncFailure, SyncServices } from "./sync-services.ts";

/**
 * Gives the vault signed in again under the new password (the old `vault` is locked), or throws
 * the clear error: a wrong new password changes nothing.
 */
export const followSessionEnd = async (
  ctx: CommandContext,
  services: SyncServices,
  vault: Vault,
  password: string,
  ended: SyncFailure,
): Promise<Vault> => {
  const changed = await services.credentialsChanged(vault);
  if (!changed.ok) throw syncFailure(ended);
  if (!changed.value)
    throw new CliError(
      `the server ended this device's session, and the master password of ${vault.address} is unchanged: the session expired, or this device was revoked (\`keypears devices\` on another device shows which). If it was not revoked, \`keypears login ${vault.address}\` signs it in again`,
    );
  ctx.out.warn(
    `the master password of ${vault.address} was changed on another device; enter the new one`,
  );
  const next = await readChangedPassword(ctx, vault.address);
  const followed = await services.followPasswordChange({
    home: ctx.home,
    vault,
    currentPassword: password,
    newPassword: next,
  });
  if (!followed.ok) throw syncFailure(followed.error);
  ctx.out.note(
    `Signed ${vault.address} in again with the new master password; from now on only the new password opens it on this device.`,
  );
  return followed.value;
};
