/**
 * Field names as people type them: standard fields by name in any case (`cardnumber`), custom
 * fields by their own name (`pin` for the stored `custom:pin`), and values as people read them.
 */

import type { FieldValue } from "@keypears/sync-core";
import {
  CUSTOM_PREFIX,
  type Item,
  type ItemField,
  readCustomField,
  STANDARD_FIELDS,
} from "@keypears/vault";

const standardByLowerName = new Map(
  Object.keys(STANDARD_FIELDS).map((name) => [name.toLowerCase(), name]),
);

/** The standard field spelled `name` in any case, if there is one. */
export const standardFieldName = (name: string): string | undefined =>
  standardByLowerName.get(name.toLowerCase());

export const isCustomFieldName = (stored: string): boolean => stored.startsWith(CUSTOM_PREFIX);

/** `custom:pin` → `pin`; standard names unchanged. */
export const displayFieldName = (stored: string): string =>
  isCustomFieldName(stored) ? stored.slice(CUSTOM_PREFIX.length) : stored;

/**
 * The stored name of the field a person means: a field of the item with that name (standard, or
 * custom without its prefix), else a standard field, else a custom one.
 */
export const storedFieldName = (item: Item | undefined, name: string): string => {
  const fields = item?.fields ?? [];
  if (fields.some((f) => f.name === name)) return name;
  if (!isCustomFieldName(name) && fields.some((f) => f.name === `${CUSTOM_PREFIX}${name}`))
    return `${CUSTOM_PREFIX}${name}`;
  if (name === "status") return name;
  return standardFieldName(name) ?? (isCustomFieldName(name) ? name : `${CUSTOM_PREFIX}${name}`);
};

export const findField = (item: Item, stored: string): ItemField | undefined =>
  item.fields.find((f) => f.name === stored);

/** A stored value as people read it: a custom field's text without its `[kind, text]` wrapper. */
export const readableValue = (stored: string, value: FieldValue): FieldValue =>
  readCustomField(stored, value)?.value ?? value;
