/**
 * What an item is: a type and named fields. Each field syncs on its own, so editing the password on
 * one device and the TOTP secret on another keeps both.
 */

import { err, ok, type Result } from "@keypears/base";
import type { FieldValue } from "@keypears/sync-core";

export const ITEM_TYPES = ["login", "note", "card", "identity", "apikey"] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const isItemType = (value: unknown): value is ItemType =>
  typeof value === "string" && (ITEM_TYPES as readonly string[]).includes(value);

type FieldKind = "text" | "secret" | "list" | "flag";

/** The standard fields, their kind, and the types they belong to (all types may use any of them). */
export const STANDARD_FIELDS: Readonly<Record<string, FieldKind>> = {
  type: "text",
  title: "text",
  username: "text",
  password: "secret",
  urls: "list",
  totp: "secret",
  notes: "text",
  tags: "list",
  folder: "text",
  favorite: "flag",
  // findings of the password health report kept on purpose (see @keypears/health's dismissals.ts)
  healthDismissed: "list",
  // card
  cardholder: "text",
  cardNumber: "secret",
  expiry: "text",
  cvv: "secret",
  // identity
  fullName: "text",
  email: "text",
  phone: "text",
  postalAddress: "text",
  // API key
  apiKey: "secret",
  apiSecret: "secret",
};

/** Fields shown first for each type, in order (others follow alphabetically). */
export const FIELDS_BY_TYPE: Readonly<Record<ItemType, readonly string[]>> = {
  login: ["title", "username", "password", "urls", "totp", "notes"],
  note: ["title", "notes"],
  card: ["title", "cardholder", "cardNumber", "expiry", "cvv", "notes"],
  identity: ["title", "fullName", "email", "phone", "postalAddress", "notes"],
  apikey: ["title", "apiKey", "apiSecret", "urls", "notes"],
};

/** Custom fields are stored as `custom:<name>` holding `[kind, text]`, kind "text" or "hidden". */
export const CUSTOM_PREFIX = "custom:";
export type CustomFieldKind = "text" | "hidden";

export interface CustomField {
  readonly name: string;
  readonly kind: CustomFieldKind;
  readonly value: string;
}

export const customFieldName = (name: string): string => `${CUSTOM_PREFIX}${name}`;

export const readCustomField = (fieldName: string, value: FieldValue): CustomField | undefined => {
  if (!fieldName.startsWith(CUSTOM_PREFIX) || !Array.isArray(value)) return undefined;
  const [kind, text] = value as readonly FieldValue[];
  if ((kind !== "text" && kind !== "hidden") || typeof text !== "string") return undefined;
  return { name: fieldName.slice(CUSTOM_PREFIX.length), kind, value: text };
};

/** True for values that are never printed unless asked for: passwords, TOTP secrets, card numbers, hidden custom fields. */
export const isSecretField = (name: string, value: FieldValue): boolean =>
  STANDARD_FIELDS[name] === "secret" || readCustomField(name, value)?.kind === "hidden";

export type FieldError = {
  readonly kind: "invalid-field";
  readonly field: string;
  readonly reason: string;
};

const MAX_TEXT = 64 * 1024;

/**
 * Checks one field write a user asked for. `null` removes a field. Unknown names are refused unless
 * they are custom fields, so a typo (`--field pasword`) is an error, not a new field.
 */
export const checkField = (name: string, value: FieldValue): Result<FieldValue, FieldError> => {
  const invalid = (reason: string) => err({ kind: "invalid-field" as const, field: name, reason });
  if (value === null)
    return name === "type" || name === "title" ? invalid("cannot be removed") : ok(null);
  if (name.startsWith(CUSTOM_PREFIX)) {
    if (name.length === CUSTOM_PREFIX.length || name.length > 200)
      return invalid("a custom field needs a name of 1-200 characters");
    if (readCustomField(name, value) === undefined)
      return invalid('a custom field holds ["text" | "hidden", text]');
    return ok(value);
  }
  const kind = STANDARD_FIELDS[name];
  if (kind === undefined)
    return invalid(`unknown field; custom fields are named ${CUSTOM_PREFIX}<name>`);
  if (name === "type" && !isItemType(value))
    return invalid(`must be one of ${ITEM_TYPES.join(", ")}`);
  if (name === "title" && (typeof value !== "string" || value.trim() === ""))
    return invalid("must not be empty");
  switch (kind) {
    case "flag":
      return typeof value === "boolean" ? ok(value) : invalid("must be true or false");
    case "list":
      return Array.isArray(value) &&
        value.every((v) => typeof v === "string" && v.length <= MAX_TEXT)
        ? ok(value)
        : invalid("must be a list of text");
    default:
      return typeof value === "string" && value.length <= MAX_TEXT
        ? ok(value)
        : invalid(`must be text of at most ${MAX_TEXT} characters`);
  }
};
