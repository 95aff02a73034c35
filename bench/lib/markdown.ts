/** Renders tables as GitHub-flavoured Markdown, padded so the plain text reads well in a terminal too. */

import { formatCell } from "./format.ts";
import type { Table } from "./table.ts";

const escape = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export const renderTable = (table: Table): string => {
  const header = table.columns.map((column) => escape(column.header));
  const body = table.rows.map((row) => {
    if (row.cells.length !== table.columns.length) {
      throw new Error(
        `row ${row.key} has ${row.cells.length} cells for ${table.columns.length} columns`,
      );
    }
    return row.cells.map((cell) => escape(formatCell(cell)));
  });
  const widths = header.map((text, i) =>
    Math.max(3, text.length, ...body.map((cells) => (cells[i] as string).length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells
      .map((text, i) => {
        const width = widths[i] as number;
        return table.columns[i]?.align === "right" ? text.padStart(width) : text.padEnd(width);
      })
      .join(" | ")} |`;
  const rule = `| ${table.columns
    .map((column, i) => {
      const dashes = "-".repeat((widths[i] as number) - 1);
      return column.align === "right" ? `${dashes}:` : `${dashes}-`;
    })
    .join(" | ")} |`;
  const notes = table.notes.map((note) => `- ${note}`);
  return [line(header), rule, ...body.map(line), ...(notes.length > 0 ? ["", ...notes] : [])].join(
    "\n",
  );
};
