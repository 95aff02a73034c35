/**
 * How strong a new master password is, by the estimator `keypears health` uses (zxcvbn-ts with
 * its common-password and English dictionaries, @keypears/health): one of the most common
 * passwords is refused, a weak one is accepted with a warning and the time an offline attacker
 * would need. `--allow-weak-password` (for scripts and tests) turns the refusal into a warning.
 */

import { CliError } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";

export const ALLOW_WEAK_OPTION = {
  "allow-weak-password": {
    type: "boolean",
    description: "accept a master password that is one of the most common ones (not advised)",
  },
} as const;

export const checkMasterPasswordStrength = async (
  ctx: CommandContext,
  password: string,
  address?: string,
): Promise<void> => {
  const { createStrengthEstimator, isWeak } = await import("@keypears/health");
  const strength = createStrengthEstimator().estimate(
    password,
    address === undefined ? [] : address.split(/[@.]/),
  );
  const common = strength.score <= 1 && strength.reasons.includes("common-password");
  const advice =
    "a few random words make a strong one (`keypears generate --passphrase --words 5`)";
  const allowWeak = (ctx.values as Readonly<Record<string, unknown>>)["allow-weak-password"];
  if (common && allowWeak !== true)
    throw new CliError(
      `that master password is one of the most common ones (guessed in ${strength.crackTime}); choose another: ${advice}`,
    );
  if (isWeak(strength))
    ctx.out.warn(
      `this master password is weak: an attacker with a stolen vault file could guess it in about ${strength.crackTime}${strength.warning === null ? "" : ` (${strength.warning.replace(/\.$/, "")})`}; ${advice}`,
    );
};
