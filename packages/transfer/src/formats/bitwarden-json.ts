/**
 * Bitwarden's (and Vaultwarden's) unencrypted JSON export: folders, then items of type 1 login,
 * 2 secure note, 3 card, 4 identity, 5 SSH key, each with custom fields (0 text, 1 hidden,
 * 2 boolean, 3 linked), URIs, TOTP, favourite and password history. Nested folders are names
 * with "/", kept as the path. An encrypted export cannot be read without Bitwarden's keys.
 */

import { err, ok, type Result } from "@keypears/base";
import type { ItemType } from "@keypears/vault/core";
import { createCollector, TooManyItems } from "../collector.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";
import type { ItemBuilder } from "../item-builder.ts";
import { MAX_JSON_DEPTH } from "../limits.ts";
import { parseJson } from "../source-text.ts";
import { isRecord, list, text } from "../json-shape.ts";
import { applyKeypearsField } from "../keypears-field.ts";

const TYPES: Readonly<Record<number, ItemType>> = {
  1: "login",
  2: "note",
  3: "card",
  4: "identity",
  5: "note",
};

export const parseBitwardenJson = (source: string): Result<ParsedImport, TransferError> => {
  const malformed = (message: string) =>
    err({ kind: "malformed" as const, format: "bitwarden-json" as const, message });
  let doc: unknown;
  try {
    doc = parseJson(source, MAX_JSON_DEPTH);
  } catch (error) {
    return malformed(error instanceof Error ? error.message : "not JSON");
  }
  if (!isRecord(doc) || !Array.isArray(doc["items"]))
    return malformed('expected an object with an "items" list');
  if (doc["encrypted"] === true)
    return malformed(
      'this is an encrypted Bitwarden export; export again choosing "JSON" (not "JSON (Encrypted)")',
    );
  const folderById = new Map<string, string>();
  for (const folder of list(doc["folders"]))
    if (isRecord(folder) && typeof folder["id"] === "string")
      folderById.set(folder["id"], text(folder["name"]) ?? "");

  const collector = createCollector("bitwarden-json");
  try {
    list(doc["items"]).forEach((raw, index) => {
      const where = `item ${index + 1}`;
      if (!isRecord(raw)) return collector.reject(where, "not an object");
      const type = TYPES[Number(raw["type"])];
      if (type === undefined)
        return collector.reject(where, `unknown item type ${String(raw["type"]).slice(0, 20)}`);
      const item = collector
        .item(where)
        .type(type)
        .set("title", raw["name"])
        .set("notes", raw["notes"])
        .favorite(raw["favorite"] === true)
        .trashed(typeof raw["deletedDate"] === "string");
      const folderId = raw["folderId"];
      if (typeof folderId === "string") item.folder(folderById.get(folderId));
      mapByType(Number(raw["type"]), raw, item, collector.mapped);
      for (const field of list(raw["fields"])) {
        if (!isRecord(field)) continue;
        const name = text(field["name"]) ?? "field";
        const kind = Number(field["type"]);
        if (applyKeypearsField(item, name, field["value"])) continue;
        if (kind === 3) {
          collector.mapped("linked field -> custom field");
          item.custom(name, `linked to ${String(field["linkedId"])}`);
        } else item.custom(name, field["value"] ?? "", kind === 1);
      }
      const history = list(raw["passwordHistory"])
        .filter(isRecord)
        .map((entry) => ({
          at: Date.parse(String(entry["lastUsedDate"])),
          password: text(entry["password"]),
        }))
        .filter((entry): entry is { at: number; password: string } => entry.password !== undefined)
        .sort((a, b) => (a.at || 0) - (b.at || 0))
        .map((entry) => entry.password);
      item.history("password", history);
      collector.finish(item);
    });
  } catch (error) {
    if (error instanceof TooManyItems) return err({ kind: "too-large", message: error.message });
    throw error;
  }
  return ok(collector.result());
};

const mapByType = (
  type: number,
  raw: Record<string, unknown>,
  item: ItemBuilder,
  mapped: (what: string) => void,
): void => {
  if (type === 1 && isRecord(raw["login"])) {
    const login = raw["login"];
    item
      .set("username", login["username"])
      .set("password", login["password"])
      .set("totp", login["totp"]);
    for (const uri of list(login["uris"])) if (isRecord(uri)) item.url(uri["uri"]);
    const passkeys = list(login["fido2Credentials"]).length;
    if (passkeys > 0) {
      mapped("passkey -> not imported (passkeys cannot be exported)");
      item.custom("passkeys", `${passkeys} passkey(s) in Bitwarden, not exported`);
    }
  } else if (type === 3 && isRecord(raw["card"])) {
    const card = raw["card"];
    const month = text(card["expMonth"]);
    const year = text(card["expYear"]);
    item
      .set("cardholder", card["cardholderName"])
      .set("cardNumber", card["number"])
      .set("cvv", card["code"])
      .custom("brand", card["brand"]);
    if (month !== undefined || year !== undefined)
      item.set("expiry", `${(month ?? "").padStart(2, "0")}/${year ?? ""}`);
  } else if (type === 4 && isRecord(raw["identity"])) {
    const id = raw["identity"];
    const name = ["title", "firstName", "middleName", "lastName"]
      .map((key) => text(id[key]))
      .filter((part) => part !== undefined)
      .join(" ");
    const address = [
      ["address1", "address2", "address3"].map((k) => text(id[k])),
      [text(id["postalCode"]), text(id["city"])].filter(Boolean).join(" ") || undefined,
      [text(id["state"]), text(id["country"])].filter(Boolean).join(", ") || undefined,
    ]
      .flat()
      .filter((line) => line !== undefined)
      .join("\n");
    item
      .set("fullName", name)
      .set("email", id["email"])
      .set("phone", id["phone"])
      .set("postalAddress", address);
    for (const key of ["company", "username", "ssn", "passportNumber", "licenseNumber"]) {
      if (text(id[key]) === undefined) continue;
      mapped(`identity ${key} -> custom field`);
      item.custom(
        key,
        id[key],
        key === "ssn" || key === "passportNumber" || key === "licenseNumber",
      );
    }
  } else if (type === 5 && isRecord(raw["sshKey"])) {
    const key = raw["sshKey"];
    mapped("SSH key -> note with custom fields");
    item
      .custom("privateKey", key["privateKey"], true)
      .custom("publicKey", key["publicKey"])
      .custom("fingerprint", key["keyFingerprint"]);
  }
};
