/**
 * KeePassXC's CSV: `Group,Title,Username,Password,URL,Notes,TOTP,Icon,Last Modified,Created`. The
 * group path starts with the database's root group ("Root/Work/Dev"); the folder is the rest.
 * A file KeyPears exported (it has a `Type` column) also carries the columns described in
 * `csv-export.ts`, and its formula-neutralising apostrophes are undone.
 */

import type { Result } from "@keypears/base";
import type { ItemType } from "@keypears/vault/core";
import { importCsv, isTrue, splitList } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";
import { EXTRA_STANDARD, restoreFormula } from "./csv-export.ts";

const KNOWN = new Set([
  "group",
  "title",
  "username",
  "password",
  "url",
  "notes",
  "totp",
  "icon",
  "last modified",
  "created",
]);
const KEYPEARS_COLUMNS = new Set(["type", "trashed", "favorite", "tags", "urls"]);
const TYPES: readonly string[] = ["login", "note", "card", "identity", "apikey"];

export const parseKeepassxcCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv("keepassxc-csv", text, ["group", "title", "username", "password"], (row, collector) => {
    const ours = TYPES.includes(row.get("type"));
    const cell = (column: string) => (ours ? restoreFormula(row.get(column)) : row.get(column));
    const item = collector
      .item(`row ${row.line}`)
      .set("title", cell("title"))
      .set("username", cell("username"))
      .set("password", cell("password"))
      .url(cell("url"))
      .set("totp", cell("totp"))
      .set("notes", cell("notes"))
      .folder(cell("group").split("/").slice(1).join("/"));
    if (ours) {
      item
        .type(row.get("type") as ItemType)
        .trashed(isTrue(row.get("trashed")))
        .favorite(isTrue(row.get("favorite")));
      for (const tag of splitList(cell("tags"), /\n/)) item.tag(tag);
      for (const url of splitList(cell("urls"), /\n/)) item.url(url);
    }
    for (const [name, raw] of row.extra(ours ? new Set([...KNOWN, ...KEYPEARS_COLUMNS]) : KNOWN)) {
      const value = ours ? restoreFormula(raw) : raw;
      if (ours && EXTRA_STANDARD.includes(name)) item.set(name, value);
      else if (ours && (name.startsWith("custom:") || name.startsWith("hidden:")))
        item.custom(name.slice(7), value, name.startsWith("hidden:"));
      else {
        collector.mapped(`column "${name}" -> custom field`);
        item.custom(name, value);
      }
    }
    collector.finish(item);
  });
