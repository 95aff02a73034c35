/**
 * Asking for a secret on a terminal without echoing it: raw mode, backspace and Ctrl-U edit,
 * Enter ends, Ctrl-C interrupts, Ctrl-D on an empty line cancels. The prompt goes to stderr.
 */

import { CliError, interrupted } from "./cli-error.ts";
import { graphemes } from "./format.ts";
import type { CliIo } from "./io.ts";

// Arrow keys, bracketed-paste markers and other escape sequences are not part of a password.
const ESC = String.fromCharCode(27);
const escapeSequence = new RegExp(`${ESC}(\\[[0-9;?]*[ -/]*[@-~]|O.|.)`, "g");

export const promptHidden = (io: CliIo, question: string): Promise<string> => {
  const { stdin, stderr } = io;
  if (stdin.isTTY !== true || stdin.setRawMode === undefined)
    return Promise.reject(
      new CliError("cannot ask for a secret: standard input is not a terminal"),
    );
  const setRawMode = stdin.setRawMode.bind(stdin);
  return new Promise<string>((resolve, reject) => {
    let value = "";
    const finish = (error?: CliError) => {
      stdin.off("data", onData);
      setRawMode(false);
      stdin.pause();
      stderr.write("\n");
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const char of chunk.replace(escapeSequence, "")) {
        switch (char) {
          case "\r":
          case "\n":
            finish();
            return;
          case "\u0003": // Ctrl-C
            finish(interrupted());
            return;
          case "\u0004": // Ctrl-D
            if (value === "") {
              finish(new CliError("cancelled; nothing was changed"));
              return;
            }
            break;
          case "\u007f": // Backspace (DEL)
          case "\b":
            value = graphemes(value).slice(0, -1).join("");
            break;
          case "\u0015": // Ctrl-U
            value = "";
            break;
          default:
            if (char >= " ") value += char;
        }
      }
    };
    stderr.write(question);
    setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
  });
};
