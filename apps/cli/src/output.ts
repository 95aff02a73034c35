/**
 * Writing results: JSON (one document on stdout, nothing else there) or text for people, with
 * aligned tables and color only on a terminal and never with NO_COLOR. Messages go to stderr.
 */

import { graphemes, textWidth } from "./format.ts";
import type { CliIo, CliOutputStream } from "./io.ts";
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
  };
};

const MAX_CELL = 48;

/** Columns padded to their widest cell (long cells cut with …), the header bold, no trailing spaces. */
export const formatTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  style: Style,
): string[] => {
  const clip = (cell: string) => {
    const flat = cell.replace(/\s+/g, " ");
    // No more graphemes than UTF-16 units: a short cell needs no splitting (slow for 10,000 rows).
    if (flat.length <= MAX_CELL) return flat;
    const chars = graphemes(flat);
    return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join("")}…` : flat;
  };
  const cells = rows.map((row) => row.map(clip));
  // Each cell's width is measured once (it is the costly part for wide characters).
  const cellWidths = cells.map((row) => row.map(textWidth));
  const widths = headers.map((header, i) => {
    let widest = textWidth(header);
    for (const row of cellWidths) widest = Math.max(widest, row[i] ?? 0);
    return widest;
  });
  const render = (
    row: readonly string[],
    rowWidths: readonly number[],
    paint: (text: string) => string = (t) => t,
  ) =>
    row
      .map((cell, i) =>
        i === row.length - 1
          ? paint(cell)
          : paint(cell + " ".repeat(Math.max(0, (widths[i] ?? 0) - (rowWidths[i] ?? 0)))),
      )
      .join("  ")
      .trimEnd();
  return [
    render(headers, headers.map(textWidth), style.bold),
    ...cells.map((row, r) => render(row, cellWidths[r] ?? [])),
  ];
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
