/**
 * The `keypears` command line: finds the command, parses its flags with `node:util` `parseArgs`,
 * runs it, and turns every failure into one line on stderr and an exit code (0 success,
 * 1 failure, 2 usage error). A stack trace is printed only for a bug, and only with KEYPEARS_DEBUG.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
// Subpaths, not the package index: `keypears --version` should not load SQLite and the crypto.
import { resolveHome } from "@keypears/vault/home";
import type { HeldVault } from "./agent/daemon.ts";
import { servedByAgent } from "./agent/forwarded.ts";
import { CliError, usageError } from "./cli-error.ts";
import { readConfig } from "./config.ts";
import type { CommandContext, OptionSpecs } from "./command.ts";
import { COMMANDS, findCommand } from "./command-list.ts";
import { commandHelp, GLOBAL_OPTIONS, globalHelp } from "./help.ts";
import { type CliIo, processIo } from "./io.ts";
import { checkHomePermissions, describeFileAccessError } from "./file-access.ts";
import { createOutput } from "./output.ts";
import { markBareSecretFlags } from "./secret-input.ts";
import { terminalSafe } from "./terminal-safe.ts";
import { loadSyncServices, type SyncServices } from "./sync-services.ts";

export interface MainDeps {
  readonly io?: CliIo;
  readonly syncServices?: () => Promise<SyncServices>;
  /** In the agent: the vault it holds unlocked, used instead of unlocking. */
  readonly held?: HeldVault;
}

export const main = async (argv: readonly string[], deps: MainDeps = {}): Promise<number> => {
  const io = deps.io ?? processIo();
  try {
    return await dispatch(argv, io, deps.syncServices ?? loadSyncServices, deps.held);
  } catch (error) {
    if (error instanceof CliError) {
      // Ctrl-C at a prompt: the prompt has already ended its line; nothing more to say.
      if (error.exitCode !== 130) io.stderr.write(`keypears: ${terminalSafe(error.message)}\n`);
      return error.exitCode;
    }
    const access = describeFileAccessError(error);
    if (access !== undefined) {
      io.stderr.write(`keypears: ${terminalSafe(access)}\n`);
      return 1;
    }
    const debug = (io.env["KEYPEARS_DEBUG"] ?? "") !== "";
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      debug && error instanceof Error && error.stack !== undefined
        ? `keypears: unexpected error: ${error.stack}\n`
        : `keypears: unexpected error: ${terminalSafe(detail)} (this is a bug; KEYPEARS_DEBUG=1 shows details)\n`,
    );
    return 1;
  }
};

const dispatch = async (
  argv: readonly string[],
  io: CliIo,
  syncServices: () => Promise<SyncServices>,
  held: HeldVault | undefined,
): Promise<number> => {
  const { name, before, after } = splitCommand(argv);
  if (name === undefined) {
    if (before.includes("--version") || before.includes("-V")) {
      io.stdout.write(`keypears ${version()}\n`);
      return 0;
    }
    if (before.length === 0 || before.includes("--help") || before.includes("-h")) {
      io.stdout.write(globalHelp());
      return 0;
    }
    throw usageError("no command given");
  }
  if (name === "help") return help(after, io);
  const entry = findCommand(name);
  if (entry === undefined) throw unknownCommand(name);
  if (name === "serve") {
    const { runServe } = await import("@keypears/server");
    return runServe(after, {
      env: io.env,
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
      // The web app built in this checkout (`npm run build -w @keypears/web`).
      defaultWebRoot: fileURLToPath(new URL("../../web/dist", import.meta.url)),
    });
  }

  // Before the command's own code loads: a client of the agent never loads the vault.
  if (held === undefined && servedByAgent(name, argv, io.stdin.isTTY === true)) {
    const { runInAgent } = await import("./agent/client.ts");
    const code = await runInAgent(io, argv);
    if (code !== undefined) return code;
  }
  const command = await entry.load();
  const options: OptionSpecs = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: markBareSecretFlags([...before, ...after], options),
      options: Object.fromEntries(
        Object.entries(options).map(([flag, spec]) => [
          flag,
          {
            type: spec.type,
            ...(spec.multiple === true ? { multiple: true } : {}),
            ...(spec.short === undefined ? {} : { short: spec.short }),
          },
        ]),
      ),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usageError(describeParseError(error), name);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values["help"] === true) {
    io.stdout.write(commandHelp(name, command));
    return 0;
  }
  const { positionals } = parsed;
  const { min, max } = command.positionals;
  if (positionals.length < min)
    throw usageError(`missing argument: keypears ${command.usage}`, name);
  if (positionals.length > max)
    throw usageError(`unexpected argument "${positionals[max] ?? ""}"`, name);

  const json = values["json"] === true;
  const home = resolveHome(io.env);
  const accountFlag = values["account"];
  const accountEnv = io.env["KEYPEARS_ACCOUNT"];
  const ctx: CommandContext = {
    name,
    values: values as CommandContext["values"],
    positionals,
    json,
    account:
      typeof accountFlag === "string"
        ? accountFlag
        : accountEnv === undefined || accountEnv === ""
          ? readConfig(home).defaultAccount
          : accountEnv,
    passwordStdin: values["password-stdin"] === true,
    home,
    io,
    out: createOutput(io, json),
    syncServices,
    ...(held === undefined ? {} : { held }),
  };
  checkHomePermissions(ctx.home, ctx.out);
  return (await command.run(ctx)) ?? 0;
};

/** Global flags may come before the command; a global flag's value is never taken for the command. */
const splitCommand = (argv: readonly string[]) => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg === "--account") {
      i++;
      continue;
    }
    if (!arg.startsWith("-"))
      return { name: arg, before: argv.slice(0, i), after: argv.slice(i + 1) };
  }
  return { name: undefined, before: argv, after: [] };
};

const help = async (args: readonly string[], io: CliIo): Promise<number> => {
  const [topic] = args;
  if (topic === undefined) {
    io.stdout.write(globalHelp());
    return 0;
  }
  const entry = findCommand(topic);
  if (entry === undefined) throw unknownCommand(topic);
  if (topic === "serve") {
    const { runServe } = await import("@keypears/server");
    return runServe(["--help"], { env: io.env, stdout: (text) => io.stdout.write(text) });
  }
  io.stdout.write(commandHelp(topic, await entry.load()));
  return 0;
};

/** Words people reach for from other tools (`bw`, `pass`, shells), pointed at ours. */
const SYNONYMS: Readonly<Record<string, string>> = {
  remove: "rm",
  delete: "rm",
  del: "rm",
  ls: "list",
  show: "get",
  view: "get",
  new: "add",
  create: "add",
  insert: "add",
  update: "edit",
  set: "edit",
  undelete: "restore",
  gen: "generate",
  otp: "totp",
  register: "init",
  password: "passwd",
  server: "serve",
};

const unknownCommand = (name: string): CliError => {
  const [close] = COMMANDS.map((c) => ({ name: c.name, distance: editDistance(c.name, name) }))
    .filter((c) => c.distance <= 2)
    .sort((x, y) => x.distance - y.distance)
    .map((c) => c.name);
  const suggestion = SYNONYMS[name.toLowerCase()] ?? close;
  return usageError(
    `unknown command "${name}"${suggestion === undefined ? "" : ` (did you mean \`${suggestion}\`?)`}`,
  );
};

/** Node's parseArgs messages, shortened to one line that names the flag. */
const describeParseError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined)
    return `unknown option ${flag}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag !== undefined) {
    if (/does not take an argument/.test(error.message)) return `${flag} takes no value`;
    return `${flag} needs a value (write ${flag}=<value> if it starts with "-")`;
  }
  return (error.message.split(". ")[0] ?? error.message).replace(/\.$/, "");
};

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: "lsit" is 1 from "list". */
const editDistance = (a: string, b: string): number => {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(
        at(i - 1, j) + 1,
        at(i, j - 1) + 1,
        at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
};

const version = (): string => {
  const path = join(import.meta.dirname, "..", "package.json");
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
};
