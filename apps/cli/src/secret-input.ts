/**
 * Secret values of item flags (`--password`, `--totp`, `--notes`, `--field`, `--hidden-field`)
 * without putting them on the command line, where `ps` (`/proc/PID/cmdline`) and shell history
 * keep them: `--password -` reads the value from standard input; `--password` with no value (and
 * `--field NAME` with no `=`) asks for it without echo on a terminal. A value written out still
 * works, for scripts that accept the exposure.
 *
 * Standard input is read once, by line, shared with `--password-stdin` (whose master password is
 * its first line): each `-` takes the next line, in the order password, totp, fields, hidden
 * fields; `--notes -` takes every line left, so notes can span several.
 */

import { CliError, usageError } from "./cli-error.ts";
import type { CommandContext, OptionSpecs } from "./command.ts";
import { promptHidden } from "./prompt.ts";
import { readStdinLines } from "./secrets.ts";

/** What a secret flag given without a value becomes: NUL never comes from a shell's argv. */
const ASK = "\u0000";

/**
 * `--password` followed by nothing or by another flag, rewritten as `--password=<ask>` so the
 * strict argument parser takes it; only for options marked `secret`.
 */
export const markBareSecretFlags = (args: readonly string[], options: OptionSpecs): string[] => {
  const marked: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      marked.push(...args.slice(i));
      break;
    }
    const spec = arg.startsWith("--") ? options[arg.slice(2)] : undefined;
    const next = args[i + 1];
    if (
      spec?.secret === true &&
      spec.type === "string" &&
      spec.multiple !== true &&
      (next === undefined || (next.startsWith("-") && next !== "-"))
    ) {
      marked.push(`${arg}=${ASK}`);
      continue;
    }
    marked.push(arg);
  }
  return marked;
};

interface SecretFlags {
  readonly password?: string | undefined;
  readonly totp?: string | undefined;
  readonly notes?: string | undefined;
  readonly field?: readonly string[] | undefined;
  readonly "hidden-field"?: readonly string[] | undefined;
}

/** `values` with every `-` read from standard input and every value-less secret flag asked for. */
export const readSecretFlags = async <V extends SecretFlags>(
  ctx: CommandContext,
  values: V,
  command: string,
): Promise<V> => {
  let nextLine = ctx.passwordStdin ? 1 : 0;
  const fromStdin = async (flag: string, rest = false): Promise<string> => {
    const lines = await readStdinLines(ctx);
    if (rest) {
      const text = lines.slice(nextLine).join("\n").replace(/\n+$/, "");
      nextLine = lines.length;
      if (text === "") throw new CliError(`${flag} -: standard input held no value for it`);
      return text;
    }
    const line = lines[nextLine];
    nextLine++;
    if (line === undefined || line === "")
      throw new CliError(`${flag} -: line ${nextLine} of standard input should hold its value`);
    return line;
  };
  const ask = async (flag: string, question: string, hint: string): Promise<string> => {
    if (ctx.io.stdin.isTTY !== true || ctx.passwordStdin)
      throw usageError(`${flag} has no value and there is no terminal to ask on; ${hint}`, command);
    return promptHidden(ctx.io, question);
  };
  const single = async (flag: string, value: string | undefined, what: string, rest = false) =>
    value === "-"
      ? fromStdin(`--${flag}`, rest)
      : value === ASK
        ? ask(`--${flag}`, `${what}: `, `pipe it with \`--${flag} -\``)
        : value;
  const assignments = async (flag: string, entries: readonly string[] | undefined) => {
    if (entries === undefined) return undefined;
    const resolved: string[] = [];
    for (const entry of entries) {
      const at = entry.indexOf("=");
      if (at > 0 && entry.slice(at + 1) === "-") {
        const name = entry.slice(0, at);
        resolved.push(`${name}=${await fromStdin(`--${flag} ${name}=`)}`);
      } else if (at < 0 && entry.trim() !== "") {
        const hint = `write \`--${flag} ${entry}=<value>\`, or \`--${flag} ${entry}=-\` to read it from standard input`;
        resolved.push(`${entry}=${await ask(`--${flag} ${entry}`, `Value of ${entry}: `, hint)}`);
      } else resolved.push(entry);
    }
    return resolved;
  };
  const password = await single("password", values.password, "Password for the item");
  const totp = await single("totp", values.totp, "TOTP secret or otpauth:// URI");
  const field = await assignments("field", values.field);
  const hidden = await assignments("hidden-field", values["hidden-field"]);
  const notes = await single("notes", values.notes, "Notes (one line)", true);
  return {
    ...values,
    ...(password === undefined ? {} : { password }),
    ...(totp === undefined ? {} : { totp }),
    ...(notes === undefined ? {} : { notes }),
    ...(field === undefined ? {} : { field }),
    ...(hidden === undefined ? {} : { "hidden-field": hidden }),
  };
};

/** A repeatable value flag (`resolve --value`) with each `-` read from the next line of standard input. */
export const readValueList = async (
  ctx: CommandContext,
  flag: string,
  entries: readonly string[] | undefined,
): Promise<string[] | undefined> => {
  if (entries === undefined) return undefined;
  let nextLine = ctx.passwordStdin ? 1 : 0;
  const resolved: string[] = [];
  for (const entry of entries) {
    if (entry !== "-") {
      resolved.push(entry);
      continue;
    }
    const line = (await readStdinLines(ctx))[nextLine];
    nextLine++;
    if (line === undefined || line === "")
      throw new CliError(`${flag} -: line ${nextLine} of standard input should hold its value`);
    resolved.push(line);
  }
  return resolved;
};
