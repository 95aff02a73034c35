/**
 * Custom fields as the vault stores them (`custom:<name>` holding `["text" | "hidden", text]`),
 * restated here as plain data so this package loads without the vault's SQLite code.
 */

import type { FieldValue } from "@keypears/sync-core";
import type { CustomField } from "@keypears/vault/core";

export const CUSTOM = "custom:";

export const readCustom = (name: string, value: FieldValue): CustomField | undefined => {
  if (!name.startsWith(CUSTOM) || !Array.isArray(value)) return undefined;
  const [kind, text] = value;
  return (kind === "text" || kind === "hidden") && typeof text === "string"
    ? { name: name.slice(CUSTOM.length), kind, value: text }
    : undefined;
};

/** The vault's standard field names (see `STANDARD_FIELDS` in the vault's item model). */
export const STANDARD_NAMES: ReadonlySet<string> = new Set([
  "title",
  "username",
  "password",
  "urls",
  "totp",
  "notes",
  "tags",
  "folder",
  "favorite",
  "cardholder",
  "cardNumber",
  "expiry",
  "cvv",
  "fullName",
  "email",
  "phone",
  "postalAddress",
  "apiKey",
  "apiSecret",
]);

/** Standard fields that hold secrets, hidden wherever another manager shows fields. */
export const SECRET_NAMES: ReadonlySet<string> = new Set([
  "password",
  "totp",
  "cardNumber",
  "cvv",
  "apiKey",
  "apiSecret",
]);

/**
 * Where a format has no place for a KeyPears field, it goes in a custom field named
 * `keypears:<field>` (lists and flags as JSON), which KeyPears maps back on import.
 */
export const KEYPEARS_FIELD = "keypears:";
