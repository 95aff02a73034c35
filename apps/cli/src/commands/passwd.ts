/** `keypears passwd [--new-secret-key]`: changes the master password (on the server first, for a synced account). */

import { createSecretKey, formatSecretKey, wipe } from "@keypears/crypto";
import { recoveryKitText, type Vault } from "@keypears/vault";
import { CliError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { publishEpochKeys } from "../epoch-keys.ts";
import { readNewPassword } from "../secrets.ts";
import { ALLOW_WEAK_OPTION, checkMasterPasswordStrength } from "../master-password-strength.ts";
import { withVault } from "../session.ts";
import type { SyncServices } from "../sync-services.ts";

export const command = defineCommand({
  usage: "passwd [--new-secret-key]",
  description: `
Asks for the current master password, then the new one twice. Only the vault key's wrapping
changes; no item is re-encrypted. For a synced account the server learns the new credentials
first, and this device changes only if the server agreed, so the two never disagree. Every other
device's session ends: on its next \`keypears sync\` it asks for the new password and continues
(its Secret Key stays on it).

--new-secret-key is the way out after a leak (someone may know the master password and the
Secret Key): it also makes a new Secret Key and prints the new recovery kit (save it: it is
shown once), and for a synced account starts a new vault key that seals what is written from
now on. It is kept by this device and sent to the server wrapped under the new password and
Secret Key only; no other device receives it, enrolled or not. Every other device then needs
the new password and the new Secret Key: \`keypears login <address>\` there, after which it
reads everything, old and new. Revoke the devices you do not trust as well
(\`keypears devices revoke\`): until then they stay in the device list, reading nothing new.

For scripts: KEYPEARS_PASSWORD and KEYPEARS_NEW_PASSWORD, or --password-stdin with the current
password on the first line and the new one on the second.`,
  options: {
    ...ALLOW_WEAK_OPTION,
    "new-secret-key": {
      type: "boolean",
      description: "also make a new Secret Key (new recovery kit) and a new vault key",
    },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears passwd",
    'printf \'%s\\n%s\\n\' "$OLD" "$NEW" | keypears passwd --password-stdin',
    "keypears passwd --new-secret-key",
  ],
  run: async (ctx) =>
    withVault(ctx, async (vault, current) => {
      const next = await readNewPassword(ctx, {
        question: `New master password for ${vault.address}: `,
        variable: "KEYPEARS_NEW_PASSWORD",
        stdinIndex: 1,
      });
      await checkMasterPasswordStrength(ctx, next, vault.address);
      const newKey = ctx.values["new-secret-key"] === true;
      if (next === current)
        throw new CliError("the new password is the same as the current one; nothing was changed");
      const secretKey = newKey ? createSecretKey() : undefined;
      const formatted = secretKey === undefined ? undefined : formatSecretKey(secretKey);
      const change = await vault.changePassword(current, next, undefined, secretKey);
      if (secretKey !== undefined) wipe(secretKey);
      if (!change.ok) throw vaultFailure(change.error);
      const services = vault.localOnly ? undefined : await ctx.syncServices();
      if (services !== undefined) {
        const told = await services.changePasswordOnServer(vault, change.value);
        if (!told.ok)
          throw new CliError(`${told.error.message}; the password was not changed anywhere`);
      }
      change.value.commit();
      const serverUpdated = services !== undefined;
      const rotation =
        services !== undefined && newKey ? await rotateVaultKey(services, vault, next) : undefined;
      const kit =
        formatted === undefined
          ? undefined
          : recoveryKitText({
              address: vault.address,
              secretKey: formatted,
              serverUrl: vault.serverUrl,
              createdAt: Date.now(),
            });
      if (ctx.json) {
        ctx.out.data({
          account: vault.address,
          changed: true,
          serverUpdated,
          ...(formatted === undefined
            ? {}
            : {
                secretKey: formatted,
                recoveryKit: kit,
                keyEpoch: rotation?.epoch ?? null,
                newKeyOnServer: rotation?.published ?? false,
              }),
        });
        if (rotation?.problem !== undefined && rotation.problem !== null)
          ctx.out.warn(rotation.problem);
        return;
      }
      const where = serverUpdated ? " on this device and its server" : "";
      if (kit === undefined) {
        ctx.out.line(
          `Changed the master password of ${vault.address}${where}. Your Secret Key is unchanged.` +
            (serverUpdated
              ? " Every other device's session ended: on its next `keypears sync` it asks for the new password."
              : ""),
        );
        return;
      }
      ctx.out.line(
        `Changed the master password and the Secret Key of ${vault.address}${where}.` +
          (serverUpdated
            ? " Every other device's session ended; each needs the new password and the new Secret Key: `keypears login " +
              vault.address +
              "` there."
            : ""),
      );
      if (rotation !== undefined) describeRotation(ctx, rotation);
      ctx.out.line();
      ctx.out.line(kit.trimEnd());
      ctx.out.line();
      ctx.out.note(
        ctx.out.errStyle.yellow(
          "Save this new recovery kit now (print it or store it offline): it is shown only once, and the old one no longer works.",
        ),
      );
    }),
});

interface Rotation {
  readonly epoch: number;
  readonly published: boolean;
  readonly problem: string | null;
}

/**
 * After a leak: a new vault key (a new key epoch, docs/PROTOCOL.md 16.7) in a credential rekey,
 * delivered to this device alone, pushed and verified, then sent to the server wrapped under the
 * new password and Secret Key. Every other device, a thief's not yet revoked among them, reads
 * the new epoch only by signing in with the new credentials.
 */
const rotateVaultKey = async (
  services: SyncServices,
  vault: Vault,
  password: string,
): Promise<Rotation> => {
  const before = vault.sync.keyEpochs().sealing;
  const queued = vault.sync.rotateKey("credentials");
  if (!queued.ok)
    return {
      epoch: before,
      published: false,
      problem:
        "this device is not enrolled in the vault's log yet, so it could not start a new vault key: run `keypears sync`, then `keypears passwd --new-secret-key` again",
    };
  const synced = await services.sync(vault, { progress: () => undefined });
  if (!synced.ok)
    return {
      epoch: vault.sync.keyEpochs().sealing,
      published: false,
      problem: `the new vault key is queued but not yet sent (${synced.error.message}); the next \`keypears sync\` here sends it`,
    };
  const published = await publishEpochKeys(services, vault, password);
  const epoch = vault.sync.keyEpochs().sealing;
  return {
    epoch,
    published: published.kind !== "failed" && epoch > before,
    problem:
      published.kind === "failed"
        ? `the new vault key is in use but not yet on the server (${published.message}); the next \`keypears sync\` here sends it`
        : epoch > before
          ? null
          : "the new vault key is not verified yet; the next `keypears sync` here finishes it",
  };
};

const describeRotation = (ctx: CommandContext, rotation: Rotation): void => {
  if (rotation.problem === null)
    ctx.out.line(
      `A new vault key (key epoch ${rotation.epoch}) seals what is written from now on; no other device received it, and the server holds it wrapped under the new password and Secret Key only.`,
    );
  else ctx.out.warn(rotation.problem);
};
