/**
 * Builds one `ImportItem` from a source's fields: empty values are left out, a second value for a
 * standard field becomes a custom field instead of replacing the first, custom names are made
 * unique, and the limits the vault enforces are checked here so a bad row is reported, not fatal.
 */

import type { FieldValue } from "@keypears/sync-core";
import type { ItemType } from "@keypears/vault/core";
import type { ImportItem } from "./import-item.ts";
import { MAX_TEXT } from "./limits.ts";

export type BuiltItem =
  | { readonly ok: true; readonly item: ImportItem }
  | { readonly ok: false; readonly source: string; readonly reason: string };

export interface ItemBuilder {
  readonly type: (type: ItemType) => ItemBuilder;
  /** A standard text or secret field; a second value for it is kept as a custom field. */
  readonly set: (name: string, value: unknown) => ItemBuilder;
  readonly url: (value: unknown) => ItemBuilder;
  readonly tag: (value: unknown) => ItemBuilder;
  readonly folder: (path: unknown) => ItemBuilder;
  readonly favorite: (value: boolean) => ItemBuilder;
  /** A field with no place of its own; `label` names what was mapped, for the dry-run summary. */
  readonly custom: (name: string, value: unknown, hidden?: boolean) => ItemBuilder;
  /** Older values of a field, oldest first. */
  readonly history: (name: string, values: readonly string[]) => ItemBuilder;
  /** A value in KeyPears's own terms (from a KeyPears export), checked by the vault when added. */
  readonly raw: (name: string, value: FieldValue) => ItemBuilder;
  readonly rawHistory: (name: string, values: readonly FieldValue[]) => ItemBuilder;
  readonly trashed: (value: boolean) => ItemBuilder;
  readonly id: (value: string) => ItemBuilder;
  readonly build: () => BuiltItem;
}

/** Counts what was mapped where, shared by every item of one import. */
export type MappedCounter = (what: string) => void;

const SECRET_STANDARD = new Set(["password", "totp", "cardNumber", "cvv", "apiKey", "apiSecret"]);

const asText = (value: unknown): string | undefined => {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") return undefined;
  return value.trim() === "" ? undefined : value;
};

export const createItemBuilder = (
  source: string,
  countMapped: MappedCounter = () => {},
): ItemBuilder => new Builder(source, countMapped);

/**
 * A class, not a factory of closures: an import builds one per item, and fifteen closures per item
 * (each also named at run time under tsx) cost as much as mapping the item itself.
 */
class Builder implements ItemBuilder {
  private kind: ItemType = "login";
  private itemId: string | undefined;
  private inTrash = false;
  private readonly fields: Record<string, FieldValue> = {};
  private readonly older: Record<string, FieldValue[]> = {};
  private readonly urls: string[] = [];
  private readonly tags: string[] = [];

  constructor(
    private readonly source: string,
    private readonly countMapped: MappedCounter,
  ) {}

  private customName(name: string): string {
    const base = (name.trim() === "" ? "field" : name.trim()).slice(0, 180);
    let candidate = `custom:${base}`;
    for (let n = 2; candidate in this.fields; n++) candidate = `custom:${base} (${n})`;
    return candidate;
  }

  type(value: ItemType): ItemBuilder {
    this.kind = value;
    return this;
  }

  set(name: string, value: unknown): ItemBuilder {
    const text = asText(value);
    if (text === undefined) return this;
    const current = this.fields[name];
    if (current === undefined) this.fields[name] = text;
    else if (current !== text) {
      this.countMapped(`second ${name} -> custom field`);
      this.fields[this.customName(name)] = [SECRET_STANDARD.has(name) ? "hidden" : "text", text];
    }
    return this;
  }

  url(value: unknown): ItemBuilder {
    const text = asText(value)?.trim();
    if (text !== undefined && !this.urls.includes(text)) this.urls.push(text);
    return this;
  }

  tag(value: unknown): ItemBuilder {
    const text = asText(value)?.trim();
    if (text !== undefined && !this.tags.includes(text)) this.tags.push(text);
    return this;
  }

  folder(path: unknown): ItemBuilder {
    const text = asText(path)?.trim();
    if (text !== undefined) this.fields["folder"] = text;
    return this;
  }

  favorite(value: boolean): ItemBuilder {
    if (value) this.fields["favorite"] = true;
    return this;
  }

  custom(name: string, value: unknown, hidden = false): ItemBuilder {
    const text = asText(value);
    if (text === undefined) return this;
    this.fields[this.customName(name)] = [hidden ? "hidden" : "text", text];
    return this;
  }

  history(name: string, values: readonly string[]): ItemBuilder {
    if (values.length === 0) return this;
    const kept = values.filter((v) => typeof v === "string" && v !== "");
    if (kept.length > 0) this.older[name] = [...(this.older[name] ?? []), ...kept];
    return this;
  }

  raw(name: string, value: FieldValue): ItemBuilder {
    if (name !== "type" && value !== null) this.fields[name] = value;
    return this;
  }

  rawHistory(name: string, values: readonly FieldValue[]): ItemBuilder {
    if (values.length > 0) this.older[name] = [...values];
    return this;
  }

  trashed(value: boolean): ItemBuilder {
    this.inTrash = value;
    return this;
  }

  id(value: string): ItemBuilder {
    this.itemId = value;
    return this;
  }

  build(): BuiltItem {
    const { fields, older, urls, tags, source } = this;
    if (urls.length > 0) fields["urls"] = [...urls];
    if (tags.length > 0) fields["tags"] = [...tags];
    if (typeof fields["title"] !== "string") {
      const fallback = titleFrom(urls[0]) ?? asText(fields["username"]) ?? asText(fields["email"]);
      fields["title"] = fallback ?? "(untitled)";
    }
    fields["title"] = (fields["title"] as string).trim() === "" ? "(untitled)" : fields["title"];
    for (const name in fields) {
      const reason = tooLong(name, fields[name] as FieldValue);
      if (reason !== undefined) return { ok: false, source, reason };
    }
    for (const name in older)
      for (const value of older[name] as FieldValue[]) {
        const reason = tooLong(name, value);
        if (reason !== undefined) return { ok: false, source, reason: `history of ${reason}` };
      }
    const item: ImportItem = {
      source,
      ...(this.itemId === undefined ? {} : { id: this.itemId }),
      type: this.kind,
      fields,
      history: older,
      trashed: this.inTrash,
    };
    return { ok: true, item };
  }
}

const tooLong = (name: string, value: FieldValue): string | undefined => {
  const long =
    typeof value === "string"
      ? value.length > MAX_TEXT
      : Array.isArray(value) && value.some((v) => typeof v === "string" && v.length > MAX_TEXT);
  return long
    ? `field "${name.replace(/^custom:/, "")}" is longer than ${MAX_TEXT / 1024} KiB, the most a field holds`
    : undefined;
};

/** A title from a URL's host, for sources with none (Firefox). */
export const titleFrom = (url: string | undefined): string | undefined => {
  if (url === undefined) return undefined;
  // As written (not punycode): "münchen.de", not "xn--mnchen-3ya.de".
  const host = url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .split(/[/?#]/)[0]
    ?.replace(/^www\./i, "");
  return host === undefined || host === "" ? url : host;
};

/** The host of a URL, lowercased, without "www."; a bare "example.com" counts too. */
export const hostOf = (url: string): string | undefined => {
  const trimmed = url.trim();
  if (trimmed === "") return undefined;
  try {
    const parsed = new URL(/^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`);
    const host = parsed.hostname.toLowerCase().replace(/^www\./, "");
    return host === "" ? undefined : host;
  } catch {
    return undefined;
  }
};
