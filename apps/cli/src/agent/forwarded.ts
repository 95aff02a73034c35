/**
 * The commands an agent runs for its client: those that work on the unlocked vault and need no
 * terminal of their own. `passwd`, `init`, `login`, `move` (which need the password itself), `sync`
 * (whose `--watch` would hold the agent; `unlock --sync` syncs there instead) and `serve` always
 * run in the calling process.
 */

const SERVED = new Set([
  "add",
  "conflicts",
  "copy",
  "edit",
  "export",
  "folders",
  "get",
  "health",
  "history",
  "list",
  "resolve",
  "restore",
  "rm",
  "status",
  "tags",
  "totp",
]);

export const servedByAgent = (command: string): boolean => SERVED.has(command);
