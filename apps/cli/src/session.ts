/**
 * Which account a command works on (`--account`, else the device's only one) and unlocking it:
 * the password is asked only once the account is known to exist, and the vault is always locked
 * (keys dropped, file closed) when the command is done.
 */

import {
  type Address,
  describeVaultError,
  listVaultFiles,
  parseAddress,
  unlockVault,
  type Vault,
} from "@keypears/vault";
import { CliError, vaultFailure } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";
import { readPassword } from "./secrets.ts";

export const selectAccount = (ctx: CommandContext): Address => {
  const accounts = listVaultFiles(ctx.home);
  if (ctx.account !== undefined) {
    const address = parseAddress(ctx.account);
    if (!address.ok) throw new CliError(`--account: ${describeVaultError(address.error)}`);
    if (!accounts.includes(address.value))
      throw vaultFailure({ kind: "no-such-account", address: address.value });
    return address.value;
  }
  const [only, ...others] = accounts;
  if (only === undefined)
    throw new CliError(
      "no account on this device yet; create one with `keypears init you@localhost` (local only) or `keypears init you@your-domain`, or add a synced one with `keypears login`",
    );
  if (others.length > 0)
    throw new CliError(
      `this device holds ${accounts.length} accounts (${accounts.join(", ")}); choose one with --account <address>`,
    );
  return only;
};

/**
 * Unlocks the selected account, runs `work`, and locks the vault again whatever happens. `work`
 * gets the password too, for the commands that need it again (`passwd`, `sync`, `devices`).
 * `wrongPasswordHint` is added to a wrong-password error.
 */
export const withVault = async <T>(
  ctx: CommandContext,
  work: (vault: Vault, password: string) => Promise<T> | T,
  options: { readonly wrongPasswordHint?: string } = {},
): Promise<T> => {
  // In the agent: its vault stays unlocked (no command it serves needs the password).
  if (ctx.held !== undefined) return work(ctx.held.vault, "");
  const address = selectAccount(ctx);
  const password = await readPassword(ctx, address);
  const unlocked = await unlockVault({ home: ctx.home, address, password });
  if (!unlocked.ok) {
    const failure = vaultFailure(unlocked.error);
    if (unlocked.error.kind !== "wrong-credentials" || options.wrongPasswordHint === undefined)
      throw failure;
    throw new CliError(`${failure.message}. ${options.wrongPasswordHint}`);
  }
  const vault = unlocked.value;
  try {
    return await work(vault, password);
  } finally {
    vault.lock();
  }
};

/** Says on stderr that stored rows failed their integrity check: reported, never silently skipped. */
export const warnAboutProblems = (ctx: CommandContext, vault: Vault): number => {
  const [first, ...rest] = vault.problems();
  if (first !== undefined)
    ctx.out.warn(
      `${describeVaultError(first)}${rest.length > 0 ? ` (and ${rest.length} more)` : ""}; \`keypears doctor\` rebuilds damaged items from their events`,
    );
  return first === undefined ? 0 : rest.length + 1;
};
