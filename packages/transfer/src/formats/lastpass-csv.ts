/**
 * LastPass's CSV: `url,username,password,totp,extra,name,grouping,fav`. A secure note has the URL
 * `http://sn` and its text in `extra`; a typed note ("NoteType:Credit Card") lists `Key:value`
 * lines, with "Notes:" last and free to span lines. Nested folders are written `Work\Dev`.
 */

import type { Result } from "@keypears/base";
import type { ItemType } from "@keypears/vault/core";
import { importCsv, isTrue, keepExtraColumns } from "../csv-import.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";
import type { ItemBuilder } from "../item-builder.ts";

const KNOWN = new Set(["url", "username", "password", "totp", "extra", "name", "grouping", "fav"]);

/** Where a typed note's keys go; the rest become custom fields. */
const NOTE_TYPES: Readonly<Record<string, { type: ItemType; fields: Record<string, string> }>> = {
  "credit card": {
    type: "card",
    fields: {
      "name on card": "cardholder",
      number: "cardNumber",
      "security code": "cvv",
      "expiration date": "expiry",
    },
  },
  address: {
    type: "identity",
    fields: {
      "first name": "fullName",
      "email address": "email",
      phone: "phone",
      address1: "postalAddress",
    },
  },
};

const HIDDEN_KEYS = /pin|password|code|number|secret|key/i;

export const parseLastPassCsv = (text: string): Result<ParsedImport, TransferError> =>
  importCsv(
    "lastpass-csv",
    text,
    ["url", "username", "password", "extra", "name"],
    (row, collector) => {
      const isNote = row.get("url").trim().toLowerCase() === "http://sn";
      const item = collector
        .item(`row ${row.line}`)
        .set("title", row.get("name"))
        .folder(row.get("grouping").replaceAll("\\", "/"))
        .favorite(isTrue(row.get("fav")));
      if (!isNote) {
        item
          .url(row.get("url"))
          .set("username", row.get("username"))
          .set("password", row.get("password"))
          .set("totp", row.get("totp"))
          .set("notes", row.get("extra"));
      } else if (row.get("extra").startsWith("NoteType:")) {
        mapTypedNote(row.get("extra"), item, collector.mapped);
      } else {
        item.type("note").set("notes", row.get("extra"));
      }
      keepExtraColumns(row, KNOWN, item, collector);
      collector.finish(item);
    },
  );

const mapTypedNote = (extra: string, item: ItemBuilder, mapped: (what: string) => void): void => {
  const lines = extra.split(/\r?\n/);
  const noteType = (lines[0] ?? "").slice("NoteType:".length).trim();
  const target = NOTE_TYPES[noteType.toLowerCase()];
  item.type(target?.type ?? "note");
  if (target === undefined) mapped(`LastPass "${noteType}" note -> note with custom fields`);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1);
    if (key.toLowerCase() === "notes") {
      item.set("notes", [value, ...lines.slice(i + 1)].join("\n"));
      return;
    }
    if (key.toLowerCase() === "language" || value.trim() === "" || value.trim() === ",") continue;
    const standard = target?.fields[key.toLowerCase()];
    if (standard !== undefined) item.set(standard, value.trim());
    else item.custom(key, value.trim(), HIDDEN_KEYS.test(key));
  }
};
