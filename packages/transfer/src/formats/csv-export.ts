/**
 * Plaintext CSV in KeePassXC's columns (`Group,Title,Username,Password,URL,Notes,TOTP,Icon,
 * Last Modified,Created`), which most managers import, followed by columns for what KeePassXC has
 * no place for: `Type`, `Trashed`, `Favorite`, `Tags` and further `URLs` (one per line), the
 * other standard fields by their KeyPears names, and `custom:<name>` / `hidden:<name>` for custom
 * fields. KeePassXC ignores the extra columns; KeyPears reads them back.
 *
 * Cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
 * return) get a leading apostrophe; so does a cell that already starts with apostrophes before
 * such a character, so that KeyPears can undo it exactly.
 */

import type { FieldValue } from "@keypears/sync-core";
import type { ExportItem } from "../export-item.ts";
import { readCustom, STANDARD_NAMES } from "../custom-field.ts";

const KEEPASSXC = [
  "Group",
  "Title",
  "Username",
  "Password",
  "URL",
  "Notes",
  "TOTP",
  "Icon",
  "Last Modified",
  "Created",
];
/** The standard fields KeePassXC's columns hold (URL holds the first URL; `URLs` the rest). */
const IN_KEEPASSXC_COLUMNS = new Set([
  "title",
  "username",
  "password",
  "urls",
  "notes",
  "totp",
  "folder",
]);
/** Standard fields with a column of their own after KeePassXC's. */
const OWN_COLUMNS = new Set(["tags", "favorite"]);
export const EXTRA_STANDARD = [...STANDARD_NAMES].filter(
  (name) => !IN_KEEPASSXC_COLUMNS.has(name) && !OWN_COLUMNS.has(name),
);

const FORMULA = /^'*[=+\-@\t\r]/;

/** Makes a cell safe to open in a spreadsheet. */
export const neutraliseFormula = (cell: string): string => (FORMULA.test(cell) ? `'${cell}` : cell);
/** Undoes `neutraliseFormula` (only for files KeyPears wrote). */
export const restoreFormula = (cell: string): string =>
  cell.startsWith("'") && FORMULA.test(cell) ? cell.slice(1) : cell;

const quote = (cell: string): string => `"${neutraliseFormula(cell).replaceAll('"', '""')}"`;

const textOf = (value: FieldValue | undefined): string =>
  typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);

export const encodeCsvExport = (items: readonly ExportItem[]): Uint8Array => {
  const customColumns = new Set<string>();
  const extraStandard = new Set<string>();
  for (const item of items)
    for (const [name, value] of Object.entries(item.fields)) {
      const custom = readCustom(name, value);
      if (custom !== undefined)
        customColumns.add(`${custom.kind === "hidden" ? "hidden" : "custom"}:${custom.name}`);
      else if (EXTRA_STANDARD.includes(name)) extraStandard.add(name);
    }
  const standard = EXTRA_STANDARD.filter((name) => extraStandard.has(name));
  const custom = [...customColumns].sort();
  const header = [
    ...KEEPASSXC,
    "Type",
    "Trashed",
    "Favorite",
    "Tags",
    "URLs",
    ...standard,
    ...custom,
  ];
  const lines = [header.map(quote).join(",")];
  for (const item of items) {
    const f = item.fields;
    const urls = Array.isArray(f["urls"]) ? (f["urls"] as string[]) : [];
    const tags = Array.isArray(f["tags"]) ? (f["tags"] as string[]) : [];
    const folder = textOf(f["folder"]);
    const row = [
      folder === "" ? "Root" : `Root/${folder}`,
      textOf(f["title"]),
      textOf(f["username"]),
      textOf(f["password"]),
      urls[0] ?? "",
      textOf(f["notes"]),
      textOf(f["totp"]),
      "0",
      new Date(item.updated).toISOString(),
      new Date(item.created).toISOString(),
      item.type,
      item.trashed ? "true" : "",
      f["favorite"] === true ? "true" : "",
      tags.join("\n"),
      urls.slice(1).join("\n"),
      ...standard.map((name) => textOf(f[name])),
      ...custom.map((column) => {
        const [kind, ...rest] = column.split(":");
        const value = readCustom(`custom:${rest.join(":")}`, f[`custom:${rest.join(":")}`] ?? null);
        return value !== undefined && (value.kind === "hidden") === (kind === "hidden")
          ? value.value
          : "";
      }),
    ];
    lines.push(row.map(quote).join(","));
  }
  // CRLF, as RFC 4180 and spreadsheets expect.
  return new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);
};
