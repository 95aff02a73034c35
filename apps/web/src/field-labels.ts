/** How fields and their values are named and shown on screen. */

import type { FieldValue } from "@keypears/sync-core";
import { readCustomField } from "@keypears/vault/core";

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  title: "Title",
  username: "Username",
  password: "Password",
  urls: "Websites",
  totp: "TOTP secret",
  notes: "Notes",
  tags: "Tags",
  folder: "Folder",
  favorite: "Favourite",
  cardholder: "Cardholder",
  cardNumber: "Card number",
  expiry: "Expiry",
  cvv: "CVV",
  fullName: "Full name",
  email: "Email",
  phone: "Phone",
  postalAddress: "Postal address",
  apiKey: "API key",
  apiSecret: "API secret",
};

export const TYPE_LABELS: Readonly<Record<string, string>> = {
  login: "Login",
  note: "Secure note",
  card: "Card",
  identity: "Identity",
  apikey: "API key",
};

/** A field's label, its value as text, and whether it is hidden until revealed. */
export const displayField = (
  name: string,
  value: FieldValue,
  secret: boolean,
): { readonly label: string; readonly text: string; readonly hidden: boolean } => {
  const custom = readCustomField(name, value);
  if (custom !== undefined)
    return { label: custom.name, text: custom.value, hidden: custom.kind === "hidden" };
  const label = FIELD_LABELS[name] ?? name;
  const text =
    value === null
      ? "(removed)"
      : Array.isArray(value)
        ? value.join(", ")
        : typeof value === "boolean"
          ? value
            ? "yes"
            : "no"
          : String(value);
  return { label, text, hidden: secret };
};
