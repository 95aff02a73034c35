/** Chrome, Edge and Brave "Export passwords": `name,url,username,password,note`. */

import type { Result } from "@keypears/base";
import { importCsv, keepExtraColumns } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";

const KNOWN = new Set(["name", "url", "username", "password", "note"]);

export const parseChromeCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv("chrome-csv", text, ["url", "username", "password"], (row, collector) => {
    const item = collector
      .item(`row ${row.line}`)
      .set("title", row.get("name"))
      .url(row.get("url"))
      .set("username", row.get("username"))
      .set("password", row.get("password"))
      .set("notes", row.get("note"));
    keepExtraColumns(row, KNOWN, item, collector);
    collector.finish(item);
  });
