/**
 * Writing results: JSON (one document on stdout, nothing else there) or text for people, with
 * aligned tables and color only on a terminal and never with NO_COLOR. Messages go to stderr.
 */

import type { CliIo, CliOutputStream } from "./io.ts";
import { formatKeptTable, formatTable, type KeptTableRow } from "./table.ts";
import { terminalSafe, terminalSafeJson } from "./terminal-safe.ts";

export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

export interface Output {
  readonly json: boolean;
  /** Prints one JSON document on stdout. */
  readonly data: (value: unknown) => void;
  /** Prints a line on stdout (human output). */
  readonly line: (text?: string) => void;
  /**
   * Prints one value for a pipe (`get --field`): as stored when stdout is not a terminal, with
   * terminal controls escaped when it is.
   */
  readonly value: (text: string) => void;
  /** A message on stderr for a person; left out with --json. */
  readonly note: (text: string) => void;
  /** A warning on stderr, also with --json. */
  readonly warn: (text: string) => void;
  /** Styles for text going to stdout. */
  readonly style: Style;
  /** Styles for text going to stderr. */
  readonly errStyle: Style;
  readonly table: (headers: readonly string[], rows: readonly (readonly string[])[]) => void;
  /** `table` for rows whose cells past the first are kept between printouts (`keptRow`). */
  readonly keptTable: (headers: readonly string[], rows: readonly KeptTableRow[]) => void;
}

export const createOutput = (io: CliIo, json: boolean): Output => {
  const style = styleFor(io.stdout, io.env);
  const errStyle = styleFor(io.stderr, io.env);
  // Everything printed passes through terminalSafe: item fields, device names and server
  // messages may hold terminal escapes. Only this CLI's own colors pass, and only when on.
  const out = (text: string) =>
    io.stdout.write(terminalSafe(text, { allowStyles: colorOn(io.stdout, io.env) }));
  const err = (text: string) =>
    io.stderr.write(terminalSafe(text, { allowStyles: colorOn(io.stderr, io.env) }));
  return {
    json,
    data: (value) => io.stdout.write(`${terminalSafeJson(JSON.stringify(value, null, 2))}\n`),
    line: (text = "") => out(`${text}\n`),
    value: (text) => (io.stdout.isTTY ? out(`${text}\n`) : io.stdout.write(`${text}\n`)),
    note: (text) => {
      if (!json) err(`${text}\n`);
    },
    warn: (text) => err(`${errStyle.yellow("warning:")} ${text}\n`),
    style,
    errStyle,
    // One write for the whole table: a list of 10,000 rows is one pass of terminalSafe, not 10,000.
    table: (headers, rows) => out(`${formatTable(headers, rows, style).join("\n")}\n`),
    keptTable: (headers, rows) => out(`${formatKeptTable(headers, rows, style).join("\n")}\n`),
  };
};

const colorOn = (stream: CliOutputStream, env: NodeJS.ProcessEnv): boolean =>
  stream.isTTY && (env["NO_COLOR"] ?? "") === "" && env["TERM"] !== "dumb";

const styleFor = (stream: CliOutputStream, env: NodeJS.ProcessEnv): Style => {
  const on = colorOn(stream, env);
  const paint =
    (open: number, close: number) =>
    (text: string): string =>
      on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: paint(1, 22),
    dim: paint(2, 22),
    red: paint(31, 39),
    green: paint(32, 39),
    yellow: paint(33, 39),
  };
};
