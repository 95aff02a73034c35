/**
 * Tables for people: columns padded to their widest cell (long cells cut with …), the header
 * bold, no trailing spaces. `formatKeptTable` prints the same text from rows whose cells past the
 * first are kept between printouts (`keptRow`): `keypears list` in the agent prints 10,000 rows
 * command after command, and a row is clipped, measured and laid out again only when its item or
 * the columns' widths change.
 */

import { graphemes, textWidth } from "./format.ts";

/** What a table needs of the output's styles: the header is bold. */
export interface TableStyle {
  readonly bold: (text: string) => string;
}

const MAX_CELL = 48;

/**
 * Whether a cell prints as it is, one column per character: printable ASCII, no longer than a
 * cell may be, and no run of spaces to fold (most cells). One pass over its characters, where
 * folding, clipping and measuring take a regular expression each.
 */
const isPlainCell = (cell: string): boolean => {
  if (cell.length > MAX_CELL) return false;
  let previous = 0;
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || (code === 0x20 && previous === 0x20)) return false;
    previous = code;
  }
  return true;
};

/** A cell as printed (white space folded, cut to MAX_CELL graphemes) and its width in columns. */
const measure = (cell: string): readonly [string, number] => {
  if (isPlainCell(cell)) return [cell, cell.length];
  const flat = cell.replace(/\s+/g, " ");
  // No more graphemes than UTF-16 units: a short cell needs no splitting (slow for 10,000 rows).
  if (flat.length <= MAX_CELL) return [flat, textWidth(flat)];
  const chars = graphemes(flat);
  const clipped = chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join("")}…` : flat;
  return [clipped, textWidth(clipped)];
};

const pad = (cell: string, width: number, columnWidth: number): string =>
  cell + " ".repeat(Math.max(0, columnWidth - width));

/** Each column's width: its widest cell or header (the rows' cells from column `offset` on). */
const columnWidths = (
  headers: readonly string[],
  rows: readonly (readonly number[])[],
  offset = 0,
): number[] => {
  const widths = headers.map(textWidth);
  for (const row of rows)
    for (let i = 0; i < row.length && i + offset < widths.length; i++)
      if ((row[i] as number) > (widths[i + offset] as number))
        widths[i + offset] = row[i] as number;
  return widths;
};

/** One line: cells padded to their columns (the last one not), two spaces apart, trimmed. */
const renderLine = (
  cells: readonly string[],
  widths: readonly number[],
  columns: readonly number[],
  paint: (text: string) => string = (text) => text,
): string => {
  let line = "";
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (i > 0) line += "  ";
    line += paint(i === cells.length - 1 ? cell : pad(cell, widths[i] ?? 0, columns[i] ?? 0));
  }
  return line.trimEnd();
};

export const formatTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  style: TableStyle,
): string[] => {
  // Each cell is clipped and measured once (measuring is the costly part for wide characters).
  const cells: string[][] = [];
  const cellWidths: number[][] = [];
  for (const row of rows) {
    const measured = row.map(measure);
    cells.push(measured.map(([cell]) => cell));
    cellWidths.push(measured.map(([, width]) => width));
  }
  const columns = columnWidths(headers, cellWidths);
  const lines = [renderLine(headers, headers.map(textWidth), columns, style.bold)];
  for (let r = 0; r < cells.length; r++)
    lines.push(renderLine(cells[r] as string[], cellWidths[r] as number[], columns));
  return lines;
};

/** Cells past a row's first, clipped and measured once, with their last layout. */
export interface KeptRow {
  readonly cells: readonly string[];
  readonly widths: readonly number[];
  /** The cells laid out for the columns' widths `key`, trimmed; remade when the widths change. */
  layout: { readonly key: string; readonly text: string } | undefined;
}

/** A row of a kept table: its first cell (made for each printout) and the rest, kept. */
export interface KeptTableRow {
  readonly first: string;
  readonly rest: KeptRow;
}

export const keptRow = (cells: readonly string[]): KeptRow => {
  const measured = cells.map(measure);
  return {
    cells: measured.map(([cell]) => cell),
    widths: measured.map(([, width]) => width),
    layout: undefined,
  };
};

/** The same lines as `formatTable` of each row's first cell and its kept cells. */
export const formatKeptTable = (
  headers: readonly string[],
  rows: readonly KeptTableRow[],
  style: TableStyle,
): string[] => {
  const firsts = rows.map((row) => measure(row.first));
  const columns = columnWidths(
    headers,
    rows.map((row) => row.rest.widths),
    1,
  );
  for (const [, width] of firsts) columns[0] = Math.max(columns[0] ?? 0, width);
  // The kept cells' columns (the last is not padded): a row laid out for the same key is reused.
  const key = columns.slice(1, -1).join(",");
  const lines = [renderLine(headers, headers.map(textWidth), columns, style.bold)];
  for (let r = 0; r < rows.length; r++) {
    const { rest } = rows[r] as KeptTableRow;
    if (rest.layout?.key !== key)
      rest.layout = { key, text: renderLine(rest.cells, rest.widths, columns.slice(1)) };
    const [first, width] = firsts[r] as readonly [string, number];
    // As renderLine would: trailing spaces go, the first cell's padding too if nothing follows.
    lines.push(
      rest.layout.text === ""
        ? first.trimEnd()
        : `${pad(first, width, columns[0] ?? 0)}  ${rest.layout.text}`,
    );
  }
  return lines;
};
