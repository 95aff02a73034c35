/**
 * Firefox's "Export Logins": `url,username,password,httpRealm,formActionOrigin,guid,timeCreated,
 * timeLastUsed,timePasswordChanged`. It has no titles: the site's host becomes the title.
 */

import type { Result } from "@keypears/base";
import { importCsv } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";

const BOOKKEEPING = new Set(["guid", "timecreated", "timelastused", "timepasswordchanged"]);

export const parseFirefoxCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv("firefox-csv", text, ["url", "username", "password"], (row, collector) => {
    const item = collector
      .item(`row ${row.line}`)
      .url(row.get("url"))
      .set("username", row.get("username"))
      .set("password", row.get("password"));
    for (const [name, value] of row.extra(new Set(["url", "username", "password"]))) {
      if (BOOKKEEPING.has(name.toLowerCase())) continue;
      collector.mapped(`column "${name}" -> custom field`);
      item.custom(name, value);
    }
    collector.finish(item);
  });
