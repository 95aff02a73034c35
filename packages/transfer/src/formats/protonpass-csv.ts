/**
 * Proton Pass's CSV: `type,name,url,email,username,password,note,totp,createTime,modifyTime,vault`.
 * Types are login, alias, note, creditCard and identity; the vault becomes the folder.
 */

import type { Result } from "@keypears/base";
import type { ItemType } from "@keypears/vault/core";
import { importCsv, keepExtraColumns, splitList } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";

const KNOWN = new Set([
  "type",
  "name",
  "url",
  "email",
  "username",
  "password",
  "note",
  "totp",
  "createtime",
  "modifytime",
  "vault",
]);

const TYPES: Readonly<Record<string, ItemType>> = {
  login: "login",
  alias: "login",
  note: "note",
  creditcard: "card",
  identity: "identity",
};

export const parseProtonPassCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv("protonpass-csv", text, ["type", "name", "password"], (row, collector) => {
    const source = row.get("type").trim().toLowerCase();
    const type = TYPES[source];
    if (type === undefined) {
      collector.reject(`row ${row.line}`, `unknown Proton Pass item type "${source.slice(0, 40)}"`);
      return;
    }
    if (source === "alias") collector.mapped("alias -> login");
    const item = collector
      .item(`row ${row.line}`)
      .type(type)
      .set("title", row.get("name"))
      .set("username", row.get("username"))
      .set("password", row.get("password"))
      .set("totp", row.get("totp"))
      .set("notes", row.get("note"))
      .folder(row.get("vault"));
    if (type === "identity") item.set("email", row.get("email"));
    else if (row.get("username").trim() === "") item.set("username", row.get("email"));
    else item.custom("email", row.get("email"));
    for (const url of splitList(row.get("url"))) item.url(url);
    keepExtraColumns(row, KNOWN, item, collector);
    collector.finish(item);
  });
