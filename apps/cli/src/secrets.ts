/**
 * Where the master password and the Secret Key come from: `--password-stdin` (one line; for
 * `passwd`, the current then the new password on two lines), `KEYPEARS_PASSWORD` /
 * `KEYPEARS_NEW_PASSWORD` / `KEYPEARS_SECRET_KEY` (or the next line of standard input), or a prompt without echo on a terminal. Never a
 * plain flag, which would land in shell history and `ps`.
 */

import { CliError } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";
import { graphemes } from "./format.ts";
import { promptHidden } from "./prompt.ts";

const MIN_PASSWORD_LENGTH = 8;

/** stdin read once, by line, for `--password-stdin`. */
const stdinLines = new WeakMap<CommandContext, Promise<string[]>>();

export const readStdinLines = (ctx: CommandContext): Promise<string[]> => {
  let lines = stdinLines.get(ctx);
  if (lines === undefined) {
    lines = (async () => {
      let text = "";
      for await (const chunk of ctx.io.stdin) text += String(chunk);
      return text.split(/\r?\n/);
    })();
    stdinLines.set(ctx, lines);
  }
  return lines;
};

const env = (ctx: CommandContext, name: string): string | undefined => {
  const value = ctx.io.env[name];
  return value === undefined || value === "" ? undefined : value;
};

const noSource = (what: string, variable: string) =>
  new CliError(
    `no ${what} given and no terminal to ask on; set ${variable} or pipe it with --password-stdin`,
  );

const stdinLine = async (ctx: CommandContext, index: number, what: string): Promise<string> => {
  const line = (await readStdinLines(ctx))[index];
  if (line === undefined || line === "")
    throw new CliError(`--password-stdin: line ${index + 1} of standard input should hold ${what}`);
  return line;
};

/** The master password of an existing account. */
export const readPassword = async (ctx: CommandContext, address: string): Promise<string> => {
  if (ctx.passwordStdin) return stdinLine(ctx, 0, "the master password");
  const fromEnv = env(ctx, "KEYPEARS_PASSWORD");
  if (fromEnv !== undefined) return fromEnv;
  if (ctx.io.stdin.isTTY !== true) throw noSource("master password", "KEYPEARS_PASSWORD");
  return promptHidden(ctx.io, `Master password for ${address}: `);
};

/**
 * A new master password: asked twice on a terminal. From `--password-stdin` it is line
 * `stdinIndex`; from the environment it is `variable`.
 */
export const readNewPassword = async (
  ctx: CommandContext,
  options: { readonly question: string; readonly variable: string; readonly stdinIndex: number },
): Promise<string> => {
  let password: string;
  if (ctx.passwordStdin) {
    password = await stdinLine(ctx, options.stdinIndex, "the new master password");
  } else if (env(ctx, options.variable) !== undefined) {
    password = env(ctx, options.variable) as string;
  } else {
    if (ctx.io.stdin.isTTY !== true) throw noSource("new master password", options.variable);
    password = await promptHidden(ctx.io, options.question);
    checkStrength(password);
    const again = await promptHidden(ctx.io, "Type it again: ");
    if (again !== password)
      throw new CliError("the two passwords do not match; nothing was changed, try again");
  }
  checkStrength(password);
  return password;
};

const checkStrength = (password: string): void => {
  if (graphemes(password).length < MIN_PASSWORD_LENGTH)
    throw new CliError(
      `a master password needs at least ${MIN_PASSWORD_LENGTH} characters; a few random words make a good one (try \`keypears generate --passphrase --words 4\`)`,
    );
};

/**
 * The Secret Key, for `login`: `KEYPEARS_SECRET_KEY`, else standard input when it is not a
 * terminal (the line after the master password with `--password-stdin`, else the first), else
 * asked without echo. Never a flag: argv is readable by every user of the machine.
 */
export const readSecretKey = async (ctx: CommandContext): Promise<string> => {
  const fromEnv = env(ctx, "KEYPEARS_SECRET_KEY");
  if (fromEnv !== undefined) return fromEnv;
  if (ctx.io.stdin.isTTY !== true) {
    const index = ctx.passwordStdin ? 1 : 0;
    const line = (await readStdinLines(ctx))[index];
    if (line === undefined || line === "")
      throw new CliError(
        `no Secret Key given: set KEYPEARS_SECRET_KEY, or pipe it on line ${index + 1} of standard input`,
      );
    return line.trim();
  }
  return promptHidden(ctx.io, "Secret Key (from your recovery kit, K1-…): ");
};

/**
 * The master password as it was changed on another device, for a device that follows the change
 * (`sync`): line 2 of `--password-stdin` (line 1 unlocked this device's file), else
 * `KEYPEARS_NEW_PASSWORD`, else asked once without echo (the server checks it).
 */
export const readChangedPassword = async (
  ctx: CommandContext,
  address: string,
): Promise<string> => {
  if (ctx.passwordStdin) return stdinLine(ctx, 1, "the new master password");
  const fromEnv = env(ctx, "KEYPEARS_NEW_PASSWORD");
  if (fromEnv !== undefined) return fromEnv;
  if (ctx.io.stdin.isTTY !== true) throw noSource("new master password", "KEYPEARS_NEW_PASSWORD");
  return promptHidden(ctx.io, `New master password for ${address}: `);
};
