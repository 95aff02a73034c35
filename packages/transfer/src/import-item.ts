/**
 * What every import format parses into: items in KeyPears's own field names (standard fields and
 * `custom:<name>`), each with its older values, plus the rows that could not be imported and why.
 * Parsers are pure functions of the file's bytes; nothing here touches a vault.
 */

import type { FieldValue } from "@keypears/sync-core";
import type { ItemType } from "@keypears/vault/core";

export const IMPORT_FORMATS = [
  "bitwarden-json",
  "bitwarden-csv",
  "1password-1pux",
  "1password-csv",
  "keepassxc-csv",
  "keepass-kdbx",
  "chrome-csv",
  "firefox-csv",
  "lastpass-csv",
  "protonpass-csv",
  "keypears",
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const isImportFormat = (value: string): value is ImportFormat =>
  (IMPORT_FORMATS as readonly string[]).includes(value);

/** Formats whose file is encrypted and needs its password to be read. */
export const needsPassword = (format: ImportFormat): boolean =>
  format === "keepass-kdbx" || format === "keypears";

export interface ImportItem {
  /** Where it came from, for messages: "row 12", "item 'GitHub'". */
  readonly source: string;
  /** Kept only from a KeyPears export, so that a re-run or a move never makes a duplicate. */
  readonly id?: string;
  readonly type: ItemType;
  /** Current values; `title` is always set. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Older values by field, oldest first (password history); `null` means the field was removed. */
  readonly history: Readonly<Record<string, readonly FieldValue[]>>;
  readonly trashed: boolean;
}

export interface RejectedRow {
  readonly source: string;
  readonly reason: string;
}

export interface ParsedImport {
  readonly format: ImportFormat;
  readonly items: readonly ImportItem[];
  readonly rejected: readonly RejectedRow[];
  /** What had no field of its own and became a custom field (or was renamed), with how often. */
  readonly mapped: Readonly<Record<string, number>>;
}

/** Why a file cannot be imported at all; the message never quotes a secret. */
export type TransferError =
  | { readonly kind: "unknown-format"; readonly message: string }
  | {
      readonly kind: "malformed";
      readonly format: ImportFormat | "keypears";
      readonly message: string;
    }
  | { readonly kind: "too-large"; readonly message: string }
  | { readonly kind: "password-required"; readonly format: ImportFormat }
  | { readonly kind: "wrong-password"; readonly format: ImportFormat };

export const describeTransferError = (error: TransferError): string => {
  switch (error.kind) {
    case "unknown-format":
    case "too-large":
      return error.message;
    case "malformed":
      return `not a valid ${error.format} file: ${error.message}; nothing was imported`;
    case "password-required":
      return `a ${error.format} file is encrypted: its password is needed`;
    case "wrong-password":
      return `wrong password for this ${error.format} file (or the file is damaged); nothing was imported`;
  }
};
