/** A `CliIo` in memory, to run `main` in-process: captured stdout/stderr, scripted stdin and Ctrl-C. */

import { PassThrough } from "node:stream";
import type { CliInputStream, CliIo } from "../io.ts";

export interface MemoryIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Sends Ctrl-C (as SIGINT would). */
  readonly interrupt: () => void;
  readonly tty: PassThrough & { isTTY: boolean; rawMode: boolean };
}

export interface MemoryIoOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Piped stdin content, or the word "tty" for a terminal the test types into through `tty`. */
  readonly stdin?: string;
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
}

export const createMemoryIo = (options: MemoryIoOptions = {}): MemoryIo => {
  let out = "";
  let err = "";
  const handlers = new Set<() => void>();
  const tty = Object.assign(new PassThrough(), { isTTY: options.stdin === "tty", rawMode: false });
  const stdin: CliInputStream =
    options.stdin === "tty"
      ? Object.assign(tty, {
          setRawMode: (raw: boolean) => {
            tty.rawMode = raw;
            return tty;
          },
        })
      : Object.assign(new PassThrough().end(options.stdin ?? ""), { isTTY: false });
  return {
    env: { ...options.env },
    stdin,
    stdout: { write: (text) => void (out += text), isTTY: options.stdoutIsTTY ?? false },
    stderr: { write: (text) => void (err += text), isTTY: options.stderrIsTTY ?? false },
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    out: () => out,
    err: () => err,
    interrupt: () => {
      for (const handler of handlers) handler();
    },
    tty,
  };
};
