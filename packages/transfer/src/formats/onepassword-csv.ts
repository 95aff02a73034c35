/** 1Password 8's CSV export: `Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes`. */

import type { Result } from "@keypears/base";
import { importCsv, isTrue, keepExtraColumns, splitList } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";

const KNOWN = new Set([
  "title",
  "url",
  "username",
  "password",
  "otpauth",
  "favorite",
  "archived",
  "tags",
  "notes",
]);

export const parseOnePasswordCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv("1password-csv", text, ["title", "username", "password"], (row, collector) => {
    const item = collector
      .item(`row ${row.line}`)
      .set("title", row.get("title"))
      .set("username", row.get("username"))
      .set("password", row.get("password"))
      .set("totp", row.get("otpauth"))
      .set("notes", row.get("notes"))
      .favorite(isTrue(row.get("favorite")))
      .trashed(isTrue(row.get("archived")));
    for (const url of splitList(row.get("url"))) item.url(url);
    for (const tag of splitList(row.get("tags"), /[,;]/)) item.tag(tag);
    keepExtraColumns(row, KNOWN, item, collector);
    collector.finish(item);
  });
