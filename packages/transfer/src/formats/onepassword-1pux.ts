/**
 * 1Password 8's `.1pux` export: a zip whose `export.data` is JSON, accounts > vaults > items. An
 * item has a category (001 login, 002 card, 003 note, 004 identity, 005 password, 112 API
 * credential, others), `overview` (title, URLs, tags) and `details` (login fields, notes,
 * sections of typed fields, password history). The vault's name becomes the folder.
 */

import { err, ok, type Result } from "@keypears/base";
import type { ItemType } from "@keypears/vault/core";
import { unzipEntry } from "../bounded-unzip.ts";
import { createCollector, TooManyItems } from "../collector.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";
import type { ItemBuilder } from "../item-builder.ts";
import { isRecord, list, text } from "../json-shape.ts";
import { MAX_INFLATED_BYTES, MAX_JSON_DEPTH } from "../limits.ts";
import { decodeText, parseJson } from "../source-text.ts";

const TYPES: Readonly<Record<string, ItemType>> = {
  "001": "login",
  "002": "card",
  "003": "note",
  "004": "identity",
  "005": "login",
  "112": "apikey",
};

/** Section fields with a standard place, by category and field id. */
const STANDARD: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "002": { cardholder: "cardholder", ccnum: "cardNumber", cvv: "cvv", expiry: "expiry" },
  "004": { email: "email", defphone: "phone", cellphone: "phone", address: "postalAddress" },
  "112": { credential: "apiKey", username: "username" },
};

export const parseOnePassword1pux = (zip: Uint8Array): Result<ParsedImport, TransferError> => {
  const malformed = (message: string) =>
    err({ kind: "malformed" as const, format: "1password-1pux" as const, message });
  const entry = unzipEntry(zip, "export.data", MAX_INFLATED_BYTES);
  if (!entry.ok)
    return entry.message.includes("zip bomb")
      ? err({ kind: "too-large", message: entry.message })
      : malformed(entry.message);
  const source = decodeText(entry.bytes);
  if (source === undefined) return malformed("export.data is not UTF-8 text");
  let doc: unknown;
  try {
    doc = parseJson(source, MAX_JSON_DEPTH);
  } catch (error) {
    return malformed(`export.data: ${error instanceof Error ? error.message : "not JSON"}`);
  }
  if (!isRecord(doc) || !Array.isArray(doc["accounts"]))
    return malformed('export.data has no "accounts"');
  const collector = createCollector("1password-1pux");
  try {
    for (const account of list(doc["accounts"])) {
      if (!isRecord(account)) continue;
      for (const vault of list(account["vaults"])) {
        if (!isRecord(vault)) continue;
        const vaultName = isRecord(vault["attrs"]) ? text(vault["attrs"]["name"]) : undefined;
        list(vault["items"]).forEach((wrapped, index) => {
          const raw = isRecord(wrapped) && isRecord(wrapped["item"]) ? wrapped["item"] : wrapped;
          const where = `${vaultName ?? "vault"} item ${index + 1}`;
          if (!isRecord(raw)) return collector.reject(where, "not an object");
          const item = collector.item(where);
          mapItem(raw, item, vaultName, collector.mapped);
          collector.finish(item);
        });
      }
    }
  } catch (error) {
    if (error instanceof TooManyItems) return err({ kind: "too-large", message: error.message });
    throw error;
  }
  return ok(collector.result());
};

const mapItem = (
  raw: Record<string, unknown>,
  item: ItemBuilder,
  vaultName: string | undefined,
  mapped: (what: string) => void,
): void => {
  const category = text(raw["categoryUuid"]) ?? "";
  const type = TYPES[category];
  if (type === undefined)
    mapped(`1Password category ${category.slice(0, 8)} -> note with custom fields`);
  const overview = isRecord(raw["overview"]) ? raw["overview"] : {};
  const details = isRecord(raw["details"]) ? raw["details"] : {};
  item
    .type(type ?? "note")
    .set("title", overview["title"])
    .folder(vaultName)
    .favorite(Number(raw["favIndex"]) > 0)
    .trashed(raw["state"] === "archived")
    .set("notes", details["notesPlain"]);
  for (const url of list(overview["urls"])) if (isRecord(url)) item.url(url["url"]);
  item.url(overview["url"]);
  for (const tag of list(overview["tags"])) item.tag(tag);
  for (const field of list(details["loginFields"])) {
    if (!isRecord(field)) continue;
    const designation = field["designation"];
    if (designation === "username" || designation === "password")
      item.set(designation, field["value"]);
    else if (text(field["value"]) !== undefined) {
      mapped("login form field -> custom field");
      item.custom(text(field["name"]) ?? "field", field["value"], field["fieldType"] === "P");
    }
  }
  item.set("password", details["password"]);
  const standard = STANDARD[category] ?? {};
  const nameParts: string[] = [];
  let hasTotp = false;
  for (const section of list(details["sections"])) {
    if (!isRecord(section)) continue;
    for (const field of list(section["fields"])) {
      if (!isRecord(field) || !isRecord(field["value"])) continue;
      const [kind, value] = Object.entries(field["value"])[0] ?? [];
      if (kind === undefined) continue;
      const id = text(field["id"]) ?? "";
      const title = text(field["title"]) ?? id;
      const shown = fieldText(kind, value);
      if (shown === undefined) continue;
      if (kind === "totp" && !hasTotp) {
        hasTotp = true;
        item.set("totp", shown);
      } else if (id === "firstname" || id === "lastname" || id === "initial") {
        if (category === "004") nameParts.push(shown);
        else item.custom(title, shown);
      } else if (standard[id] !== undefined) item.set(standard[id] as string, shown);
      else if (category === "112" && id === "hostname") item.url(shown);
      else item.custom(title, shown, kind === "concealed" || kind === "creditCardNumber");
    }
  }
  if (nameParts.length > 0) item.set("fullName", nameParts.join(" "));
  const history = list(details["passwordHistory"])
    .filter(isRecord)
    .map((entry) => ({ at: Number(entry["time"]) || 0, value: text(entry["value"]) }))
    .filter((entry): entry is { at: number; value: string } => entry.value !== undefined)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.value);
  item.history("password", history);
};

/** A section field's value as text, whatever its kind. */
const fieldText = (kind: string, value: unknown): string | undefined => {
  if (kind === "monthYear") {
    const n = text(value) ?? "";
    return /^\d{6}$/.test(n) ? `${n.slice(4)}/${n.slice(0, 4)}` : text(value);
  }
  if (kind === "date" && typeof value === "number")
    return new Date(value * 1000).toISOString().slice(0, 10);
  if (kind === "email" && isRecord(value)) return text(value["email_address"]);
  if (kind === "address" && isRecord(value))
    return ["street", "city", "state", "zip", "country"]
      .map((key) => text(value[key]))
      .filter((part) => part !== undefined)
      .join(", ");
  if (kind === "sshKey" && isRecord(value)) return text(value["privateKey"]);
  if (isRecord(value) || Array.isArray(value)) return undefined;
  return text(value);
};
