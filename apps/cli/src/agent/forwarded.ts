/**
 * The commands an agent runs for its client: those that work on the unlocked vault and need no
 * terminal of their own. `passwd`, `init`, `login`, `move` (which need the password itself), `sync`
 * (whose `--watch` would hold the agent; `unlock --sync` syncs there instead), `import`, `export`
 * and `health` (which read or write files relative to the caller's directory, or ask on its
 * terminal) and `serve` always run in the calling process.
 */

import { resolveHome } from "@keypears/vault/home";
import { readConfig } from "../config.ts";

const SERVED = new Set([
  "add",
  "conflicts",
  "copy",
  "edit",
  "folders",
  "get",
  "history",
  "list",
  "resolve",
  "restore",
  "rm",
  "status",
  "tags",
  "totp",
]);

/**
 * Whether the agent runs this command line. `rm --permanent` without `--yes` asks on the terminal,
 * which the agent has not: on a terminal it runs here (without one it fails the same either way).
 */
export const servedByAgent = (
  command: string,
  argv: readonly string[] = [],
  terminal = false,
): boolean =>
  SERVED.has(command) &&
  !(
    terminal &&
    command === "rm" &&
    argv.includes("--permanent") &&
    !argv.includes("--yes") &&
    !argv.includes("-y")
  );

/** The account a command line names (`--account`, else `KEYPEARS_ACCOUNT`), read without parsing it all. */
export const namedAccount = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): string | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg === "--account") return argv[i + 1];
    if (arg.startsWith("--account=")) return arg.slice("--account=".length);
  }
  const fromEnv = env["KEYPEARS_ACCOUNT"];
  return fromEnv === undefined || fromEnv === ""
    ? readConfig(resolveHome(env)).defaultAccount
    : fromEnv;
};
