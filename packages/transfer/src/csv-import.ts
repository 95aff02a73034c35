/** The frame every CSV format shares: parse the table, check its header, map each row, bound the result. */

import { err, ok, type Result } from "@keypears/base";
import { type Collector, createCollector, TooManyItems } from "./collector.ts";
import { type CsvRow, parseCsvTable } from "./csv-table.ts";
import type { ImportFormat, ParsedImport, TransferError } from "./import-item.ts";

export const importCsv = (
  format: ImportFormat,
  text: string,
  required: readonly string[],
  mapRow: (row: CsvRow, collector: Collector) => void,
): Result<ParsedImport, TransferError> => {
  const parsed = parseCsvTable(text);
  if (!parsed.ok) return err({ kind: "malformed", format, message: parsed.message });
  const missing = required.filter((column) => !parsed.table.columns.includes(column));
  if (missing.length > 0)
    return err({
      kind: "malformed",
      format,
      message: `the header lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
    });
  const collector = createCollector(format);
  try {
    for (const row of parsed.table.rows) {
      if (row.cells.every((cell) => cell.trim() === "")) continue;
      mapRow(row, collector);
    }
  } catch (error) {
    if (error instanceof TooManyItems) return err({ kind: "too-large", message: error.message });
    throw error;
  }
  return ok(collector.result());
};

/** Adds a row's unknown, non-empty columns as custom fields, so nothing is dropped. */
export const keepExtraColumns = (
  row: CsvRow,
  known: ReadonlySet<string>,
  builder: ReturnType<Collector["item"]>,
  collector: Collector,
): void => {
  for (const [name, value] of row.extra(known)) {
    collector.mapped(`column "${name}" -> custom field`);
    builder.custom(name, value);
  }
};

/** "a, b" or one per line: the URLs of a CSV cell that holds several. */
export const splitList = (cell: string, separator: RegExp = /[,\n]/): string[] =>
  cell
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part !== "");

export const isTrue = (cell: string): boolean => /^(1|true|yes|on|x)$/i.test(cell.trim());
