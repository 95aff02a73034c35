/**
 * Bitwarden's CSV (individual vault): `folder,favorite,type,name,notes,fields,reprompt,login_uri,
 * login_username,login_password,login_totp`. `fields` holds one "name: value" per line; several
 * URIs are joined with commas. Only logins and notes can be exported this way.
 */

import type { Result } from "@keypears/base";
import { importCsv, isTrue, keepExtraColumns, splitList } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";

const KNOWN = new Set([
  "folder",
  "favorite",
  "type",
  "name",
  "notes",
  "fields",
  "reprompt",
  "login_uri",
  "login_username",
  "login_password",
  "login_totp",
  "collections",
]);

export const parseBitwardenCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv("bitwarden-csv", text, ["type", "name", "login_password"], (row, collector) => {
    const type = row.get("type").trim().toLowerCase();
    if (type !== "login" && type !== "note") {
      collector.reject(`row ${row.line}`, `unknown Bitwarden item type "${type.slice(0, 40)}"`);
      return;
    }
    const item = collector
      .item(`row ${row.line}`)
      .type(type)
      .set("title", row.get("name"))
      .set("notes", row.get("notes"))
      .folder(row.get("folder"))
      .favorite(isTrue(row.get("favorite")))
      .set("username", row.get("login_username"))
      .set("password", row.get("login_password"))
      .set("totp", row.get("login_totp"));
    for (const url of splitList(row.get("login_uri"), /,/)) item.url(url);
    for (const line of row.get("fields").split(/\r?\n/)) {
      if (line.trim() === "") continue;
      const colon = line.indexOf(": ");
      if (colon === -1) item.custom(line, "");
      else item.custom(line.slice(0, colon), line.slice(colon + 2));
    }
    for (const tag of splitList(row.get("collections"))) item.tag(tag);
    keepExtraColumns(row, KNOWN, item, collector);
    collector.finish(item);
  });
