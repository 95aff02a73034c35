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
): ItemBuilder => {
  let type: ItemType = "login";
  let id: string | undefined;
  let trashed = false;
  const fields: Record<string, FieldValue> = {};
  const history: Record<string, FieldValue[]> = {};
  const urls: string[] = [];
  const tags: string[] = [];

  const customName = (name: string): string => {
    const base = (name.trim() === "" ? "field" : name.trim()).slice(0, 180);
    let candidate = `custom:${base}`;
    for (let n = 2; candidate in fields; n++) candidate = `custom:${base} (${n})`;
    return candidate;
  };

  const builder: ItemBuilder = {
    type: (value) => {
      type = value;
      return builder;
    },
    set: (name, value) => {
      const text = asText(value);
      if (text === undefined) return builder;
      const current = fields[name];
      if (current === undefined) fields[name] = text;
      else if (current !== text) {
        countMapped(`second ${name} -> custom field`);
        fields[customName(name)] = [SECRET_STANDARD.has(name) ? "hidden" : "text", text];
      }
      return builder;
    },
    url: (value) => {
      const text = asText(value)?.trim();
      if (text !== undefined && !urls.includes(text)) urls.push(text);
      return builder;
    },
    tag: (value) => {
      const text = asText(value)?.trim();
      if (text !== undefined && !tags.includes(text)) tags.push(text);
      return builder;
    },
    folder: (path) => {
      const text = asText(path)?.trim();
      if (text !== undefined) fields["folder"] = text;
      return builder;
    },
    favorite: (value) => {
      if (value) fields["favorite"] = true;
      return builder;
    },
    custom: (name, value, hidden = false) => {
      const text = asText(value);
      if (text === undefined) return builder;
      fields[customName(name)] = [hidden ? "hidden" : "text", text];
      return builder;
    },
    history: (name, values) => {
      const kept = values.filter((v) => typeof v === "string" && v !== "");
      if (kept.length > 0) history[name] = [...(history[name] ?? []), ...kept];
      return builder;
    },
    raw: (name, value) => {
      if (name !== "type" && value !== null) fields[name] = value;
      return builder;
    },
    rawHistory: (name, values) => {
      if (values.length > 0) history[name] = [...values];
      return builder;
    },
    trashed: (value) => {
      trashed = value;
      return builder;
    },
    id: (value) => {
      id = value;
      return builder;
    },
    build: () => {
      if (urls.length > 0) fields["urls"] = [...urls];
      if (tags.length > 0) fields["tags"] = [...tags];
      if (typeof fields["title"] !== "string") {
        const fallback =
          titleFrom(urls[0]) ?? asText(fields["username"]) ?? asText(fields["email"]);
        fields["title"] = fallback ?? "(untitled)";
      }
      fields["title"] = (fields["title"] as string).trim() === "" ? "(untitled)" : fields["title"];
      for (const [name, value] of Object.entries(fields)) {
        const reason = tooLong(name, value);
        if (reason !== undefined) return { ok: false, source, reason };
      }
      for (const [name, values] of Object.entries(history))
        for (const value of values) {
          const reason = tooLong(name, value);
          if (reason !== undefined) return { ok: false, source, reason: `history of ${reason}` };
        }
      const item: ImportItem = {
        source,
        ...(id === undefined ? {} : { id }),
        type,
        fields,
        history,
        trashed,
      };
      return { ok: true, item };
    },
  };
  return builder;
};

const tooLong = (name: string, value: FieldValue): string | undefined => {
  const texts =
    typeof value === "string"
      ? [value]
      : Array.isArray(value)
        ? value.filter((v) => typeof v === "string")
        : [];
  return texts.some((t) => (t as string).length > MAX_TEXT)
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
