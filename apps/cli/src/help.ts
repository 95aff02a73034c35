/** `keypears --help` and `keypears <command> --help`. */

import type { Command, OptionSpecs } from "./command.ts";
import { COMMANDS, type CommandEntry } from "./command-list.ts";

export const GLOBAL_OPTIONS = {
  account: {
    type: "string",
    valueName: "address",
    description: "the account to use when this device holds several (env KEYPEARS_ACCOUNT)",
  },
  json: { type: "boolean", description: "machine-readable output on stdout (stable keys)" },
  "password-stdin": {
    type: "boolean",
    description: "read the master password from the first line of standard input",
  },
  help: { type: "boolean", short: "h", description: "show help" },
} as const satisfies OptionSpecs;

export const globalHelp = (): string => {
  const groups = new Map<string, CommandEntry[]>();
  for (const entry of COMMANDS)
    groups.set(entry.group, [...(groups.get(entry.group) ?? []), entry]);
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const sections = [...groups].map(
    ([group, entries]) =>
      `${group}:\n${entries.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`).join("\n")}`,
  );
  return `KeyPears: a local-first, end-to-end encrypted password manager.

Usage: keypears <command> [options]

${sections.join("\n\n")}

Global options:
${optionLines(GLOBAL_OPTIONS).join("\n")}
  --version               print the version

Environment:
  KEYPEARS_HOME           the data directory (default ~/.keypears)
  KEYPEARS_PASSWORD       the master password, for scripts (otherwise it is asked without echo)
  KEYPEARS_ACCOUNT        the account to use, like --account
  NO_COLOR                no color even on a terminal

Examples:
  keypears init alice@localhost
  keypears add --title GitHub --username alice --generate --url https://github.com
  keypears get GitHub --field password
  keypears list --search git --json

Exit codes: 0 success, 1 failure (the reason is on stderr), 2 usage error.
Run \`keypears <command> --help\` for a command's options.
`;
};

export const commandHelp = (name: string, command: Command): string => {
  const entry = COMMANDS.find((c) => c.name === name);
  const options = optionLines(command.options);
  return `Usage: keypears ${command.usage}

${entry?.summary === undefined ? "" : `${capitalize(entry.summary)}.\n\n`}${command.description.trim()}
${options.length > 0 ? `\nOptions:\n${options.join("\n")}\n` : ""}
Global options: --account <address>, --json, --password-stdin, -h/--help
${command.examples.length > 0 ? `\nExamples:\n${command.examples.map((e) => `  ${e}`).join("\n")}\n` : ""}`;
};

const optionLines = (options: OptionSpecs): string[] => {
  const flags = Object.entries(options).map(([name, spec]) => {
    const value = spec.type === "string" ? ` <${spec.valueName ?? "value"}>` : "";
    const short = spec.short === undefined ? "" : `-${spec.short}, `;
    return `${short}--${name}${value}${spec.multiple === true ? " ..." : ""}`;
  });
  const width = Math.max(22, ...flags.map((f) => f.length));
  return Object.values(options).map(
    (spec, i) => `  ${(flags[i] ?? "").padEnd(width)}  ${spec.description}`,
  );
};

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
