/** Reads back a `keypears:<field>` custom field written by a plaintext export (see `KEYPEARS_FIELD`). */

import type { ItemType } from "@keypears/vault/core";
import { KEYPEARS_FIELD, STANDARD_NAMES } from "./custom-field.ts";
import type { ItemBuilder } from "./item-builder.ts";

const TYPES: readonly string[] = ["login", "note", "card", "identity", "apikey"];

/** Applies the field if it is one of ours; false leaves it to be kept as a custom field. */
export const applyKeypearsField = (item: ItemBuilder, name: string, value: unknown): boolean => {
  if (!name.startsWith(KEYPEARS_FIELD) || typeof value !== "string") return false;
  const field = name.slice(KEYPEARS_FIELD.length);
  if (field === "type") {
    if (!TYPES.includes(value)) return false;
    item.type(value as ItemType);
    return true;
  }
  if (!STANDARD_NAMES.has(field)) return false;
  if (field === "urls" || field === "tags" || field === "favorite") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return false;
    }
    if (field === "favorite") {
      if (typeof parsed !== "boolean") return false;
      item.favorite(parsed);
    } else {
      if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === "string")) return false;
      for (const entry of parsed) {
        if (field === "urls") item.url(entry);
        else item.tag(entry);
      }
    }
    return true;
  }
  item.set(field, value);
  return true;
};
