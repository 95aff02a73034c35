/**
 * CSV files as rows of named cells, parsed by csv-parse (quoting, CRLF, multi-line cells, a BOM)
 * with bounds: the header's width is checked before the body is parsed, and so is every row's.
 */

import { parse } from "#csv-parse-sync";
import { MAX_COLUMNS } from "./limits.ts";

export interface CsvRow {
  /** 1-based number of the row below the header, for messages ("row 3"). */
  readonly line: number;
  /** A cell by its header name (lower-cased, trimmed); absent columns give "". */
  readonly get: (column: string) => string;
  /** Every cell whose header is not in `known`, by its header as written (for custom fields). */
  readonly extra: (known: ReadonlySet<string>) => readonly (readonly [string, string])[];
  readonly cells: readonly string[];
}

export interface CsvTable {
  /** Lower-cased, trimmed header names. */
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
}

export type CsvResult =
  | { readonly ok: true; readonly table: CsvTable }
  | { readonly ok: false; readonly message: string };

const options = {
  bom: true,
  relax_column_count: true,
  skip_empty_lines: true,
  relax_quotes: false,
} as const;

export const parseCsvTable = (text: string): CsvResult => {
  const widest = widestRow(text);
  if (widest.columns > MAX_COLUMNS)
    return {
      ok: false,
      message: `line ${widest.line} has ${widest.columns} columns (at most ${MAX_COLUMNS})`,
    };
  let records: string[][];
  try {
    records = parse(text, options) as string[][];
  } catch (error) {
    return { ok: false, message: csvMessage(error) };
  }
  const names = records[0];
  if (names === undefined) return { ok: false, message: "the file is empty" };
  const original = names.map((n) => n.trim());
  const columns = original.map((n) => n.toLowerCase());
  const rows = records.slice(1).map((raw, index): CsvRow => {
    // Windows line ends inside a multi-line cell become plain newlines.
    const record = raw.map((cell) => (cell.includes("\r") ? cell.replace(/\r\n?/g, "\n") : cell));
    return {
      line: index + 1,
      cells: record,
      get: (column) => {
        const index = columns.indexOf(column);
        return index === -1 ? "" : (record[index] ?? "");
      },
      extra: (known) =>
        record.flatMap((cell, index) => {
          const name = original[index] ?? `column ${index + 1}`;
          return known.has(name.toLowerCase()) || cell.trim() === "" ? [] : [[name, cell] as const];
        }),
    };
  });
  return { ok: true, table: { columns, rows } };
};

/**
 * The most cells on one row, counted without splitting anything, so that a row of a million
 * columns is refused before csv-parse would build it.
 */
const widestRow = (text: string): { columns: number; line: number } => {
  let inQuotes = false;
  let columns = 1;
  let line = 1;
  let widest = { columns: 0, line: 1 };
  let rowStart = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    else if (c === 0x0a) {
      line++;
      if (!inQuotes) {
        if (columns > widest.columns) widest = { columns, line: rowStart };
        columns = 1;
        rowStart = line;
      }
    } else if (c === 0x2c && !inQuotes) columns++;
  }
  return columns > widest.columns ? { columns, line: rowStart } : widest;
};

const csvMessage = (error: unknown): string => {
  // csv-parse messages quote the offending line's position, never its content.
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("CSV_")
    ? (message.split(":")[0] ?? code)
    : message;
};
