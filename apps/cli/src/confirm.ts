/** A yes/no question on the terminal before something that cannot be undone; `--yes` skips it. */

import { CliError } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";

/** Asks `question` on the terminal; anything but y/yes stops the command. No terminal: `noTerminal` is the error. */
export const confirmOrStop = async (
  ctx: CommandContext,
  question: string,
  noTerminal: string,
): Promise<void> => {
  const { stdin, stderr } = ctx.io;
  if (stdin.isTTY !== true) throw new CliError(noTerminal);
  stderr.write(`${question} [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    let text = "";
    const onData = (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end < 0) return;
      stdin.off("data", onData);
      stdin.pause();
      resolve(text.slice(0, end));
    };
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
  });
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError("not deleted; nothing was changed");
};
