/**
 * Plaintext Bitwarden JSON (the unencrypted export Bitwarden and Vaultwarden import): logins,
 * notes, cards and identities in Bitwarden's own fields, folders by name, custom fields as text
 * (0) or hidden (1), password history. What Bitwarden has no place for (tags, an API key item, a
 * URL on a card) becomes a custom field `keypears:<field>`, which KeyPears maps back on import.
 */

import type { FieldValue } from "@keypears/sync-core";
import { KEYPEARS_FIELD, readCustom, SECRET_NAMES } from "../custom-field.ts";
import type { ExportItem } from "../export-item.ts";

const TYPE_NUMBER = { login: 1, apikey: 1, note: 2, card: 3, identity: 4 } as const;
const COMMON = new Set(["title", "notes", "favorite", "folder"]);
const PLACED: Readonly<Record<number, ReadonlySet<string>>> = {
  1: new Set(["username", "password", "totp", "urls"]),
  2: new Set(),
  3: new Set(["cardholder", "cardNumber", "cvv", "expiry"]),
  4: new Set(["fullName", "email", "phone", "postalAddress"]),
};
const EXPIRY = /^(\d{2})\/(\d{4})$/;

const iso = (millis: number): string => new Date(millis).toISOString();
const str = (value: FieldValue | undefined): string | null =>
  typeof value === "string" ? value : null;

/** A GUID-shaped folder id, the same for the same position. */
const folderId = (index: number): string =>
  `00000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;

export const encodeBitwardenJson = (items: readonly ExportItem[]): Uint8Array => {
  const folders = [
    ...new Set(
      items.map((i) => i.fields["folder"]).filter((f): f is string => typeof f === "string"),
    ),
  ];
  const idOfFolder = new Map(folders.map((name, index) => [name, folderId(index + 1)]));
  const doc = {
    encrypted: false,
    folders: folders.map((name) => ({ id: idOfFolder.get(name), name })),
    items: items.map((item) => bitwardenItem(item, idOfFolder)),
  };
  return new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
};

const bitwardenItem = (item: ExportItem, idOfFolder: ReadonlyMap<string, string>) => {
  const f = item.fields;
  const type = TYPE_NUMBER[item.type];
  const placed = PLACED[type] as ReadonlySet<string>;
  const fields: { name: string; value: string; type: 0 | 1; linkedId: null }[] = [];
  if (item.type === "apikey")
    fields.push({ name: `${KEYPEARS_FIELD}type`, value: "apikey", type: 0, linkedId: null });
  const expiry = typeof f["expiry"] === "string" ? EXPIRY.exec(f["expiry"]) : null;
  for (const [name, value] of Object.entries(f)) {
    const custom = readCustom(name, value);
    if (custom !== undefined) {
      fields.push({
        name: custom.name,
        value: custom.value,
        type: custom.kind === "hidden" ? 1 : 0,
        linkedId: null,
      });
      continue;
    }
    if (COMMON.has(name) || (placed.has(name) && (name !== "expiry" || expiry !== null))) continue;
    fields.push({
      name: `${KEYPEARS_FIELD}${name}`,
      value: typeof value === "string" ? value : JSON.stringify(value),
      type: SECRET_NAMES.has(name) ? 1 : 0,
      linkedId: null,
    });
  }
  const passwordHistory = (item.history["password"] ?? [])
    .filter((entry) => typeof entry.value === "string")
    .map((entry) => ({ lastUsedDate: iso(entry.at), password: entry.value as string }));
  return {
    id: item.id,
    organizationId: null,
    folderId: typeof f["folder"] === "string" ? (idOfFolder.get(f["folder"]) ?? null) : null,
    type,
    reprompt: 0,
    name: str(f["title"]) ?? "(untitled)",
    notes: str(f["notes"]),
    favorite: f["favorite"] === true,
    fields,
    ...(type === 1
      ? {
          login: {
            uris: (Array.isArray(f["urls"]) ? f["urls"] : []).map((uri) => ({ match: null, uri })),
            username: str(f["username"]),
            password: str(f["password"]),
            totp: str(f["totp"]),
          },
        }
      : {}),
    ...(type === 2 ? { secureNote: { type: 0 } } : {}),
    ...(type === 3
      ? {
          card: {
            cardholderName: str(f["cardholder"]),
            brand: null,
            number: str(f["cardNumber"]),
            expMonth: expiry === null ? null : String(Number(expiry[1])),
            expYear: expiry === null ? null : (expiry[2] as string),
            code: str(f["cvv"]),
          },
        }
      : {}),
    ...(type === 4
      ? {
          identity: {
            firstName: str(f["fullName"]),
            email: str(f["email"]),
            phone: str(f["phone"]),
            address1: str(f["postalAddress"]),
          },
        }
      : {}),
    passwordHistory: passwordHistory.length > 0 ? passwordHistory : null,
    creationDate: iso(item.created),
    revisionDate: iso(item.updated),
    deletedDate: item.trashed ? iso(item.updated) : null,
    collectionIds: null,
  };
};
