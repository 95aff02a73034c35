/**
 * What `import`, `export` and `move` share: reading an export file with its size bounded, the
 * password of an encrypted file (never a flag), a one-line progress count on a terminal, and a
 * yes/no question.
 */

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { describeTransferError, fileTooLarge, type TransferError } from "@keypears/transfer";
import { CliError } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";
import type { CliIo } from "./io.ts";
import { promptHidden } from "./prompt.ts";

export const transferFailure = (error: TransferError): CliError =>
  new CliError(describeTransferError(error));

/** The whole file, refused before it is read when it is too large for any real export. */
export const readExportFile = (path: string): Uint8Array => {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CliError(`${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  const tooLarge = fileTooLarge(size);
  if (tooLarge !== undefined) throw transferFailure(tooLarge);
  const bytes = new Uint8Array(size);
  const fd = openSync(path, "r");
  try {
    let at = 0;
    while (at < size) {
      const read = readSync(fd, bytes, at, size - at, null);
      if (read === 0) break;
      at += read;
    }
    return bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
};

/** An export file's own password: `KEYPEARS_FILE_PASSWORD`, else asked without echo on a terminal. */
export const readFilePassword = async (ctx: CommandContext, question: string): Promise<string> => {
  const fromEnv = ctx.io.env["KEYPEARS_FILE_PASSWORD"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (ctx.io.stdin.isTTY !== true || ctx.passwordStdin)
    throw new CliError(
      "the file's password is needed: set KEYPEARS_FILE_PASSWORD (no terminal to ask on)",
    );
  return promptHidden(ctx.io, question);
};

/** A count that redraws itself on stderr, on a terminal only and never with --json. */
export const createCounter = (io: CliIo, json: boolean, label: string) => {
  if (json || !io.stderr.isTTY)
    return { update: (_done: number, _total: number) => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update: (done: number, total: number) => {
      const now = Date.now();
      if (now - last < 80 && done !== total) return;
      last = now;
      drawn = true;
      io.stderr.write(
        `\r\u001b[K${label} ${done}/${total} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`,
      );
    },
    done: () => {
      if (drawn) io.stderr.write("\r\u001b[K");
    },
  };
};

/** Asks a yes/no question on a terminal (the answer is typed visibly); anything but "y"/"yes" is no. */
export const confirm = (io: CliIo, question: string): Promise<boolean> =>
  new Promise((resolve) => {
    let answer = "";
    const onData = (chunk: string) => {
      answer += chunk;
      if (!answer.includes("\n") && !answer.includes("\r")) return;
      io.stdin.off("data", onData);
      io.stdin.pause();
      resolve(/^\s*y(es)?\s*$/i.test(answer.split(/[\r\n]/)[0] ?? ""));
    };
    io.stderr.write(question);
    io.stdin.setEncoding("utf8");
    io.stdin.on("data", onData);
    io.stdin.resume();
  });
