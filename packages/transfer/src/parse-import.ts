/** Reads an export file of any supported format (named, or detected from its content) into items. */

import { err, type Result } from "@keypears/base";
import type { KdfOptions } from "@keypears/crypto";
import { detectFormat } from "./detect-format.ts";
import { parseBitwardenCsv } from "./formats/bitwarden-csv.ts";
import { parseBitwardenJson } from "./formats/bitwarden-json.ts";
import { parseChromeCsv } from "./formats/chrome-csv.ts";
import { parseFirefoxCsv } from "./formats/firefox-csv.ts";
import { parseKeepassKdbx } from "./formats/keepass-kdbx.ts";
import { parseKeepassxcCsv } from "./formats/keepassxc-csv.ts";
import { parseKeypearsExport } from "./formats/keypears-export.ts";
import { parseLastPassCsv } from "./formats/lastpass-csv.ts";
import { parseOnePassword1pux } from "./formats/onepassword-1pux.ts";
import { parseOnePasswordCsv } from "./formats/onepassword-csv.ts";
import { parseProtonPassCsv } from "./formats/protonpass-csv.ts";
import {
  IMPORT_FORMATS,
  type ImportFormat,
  needsPassword,
  type ParsedImport,
  type TransferError,
} from "./import-item.ts";
import { MAX_INPUT_BYTES } from "./limits.ts";
import { decodeText } from "./source-text.ts";

export interface ParseImportOptions {
  /** Named by the user (`--from`); detected from the content when absent. */
  readonly format?: ImportFormat;
  /** For encrypted files (KeePass, KeyPears); asked for only when `needsPassword` says so. */
  readonly password?: string;
  /** Tests only: a lower Argon2id floor for KeyPears exports. */
  readonly kdfOptions?: KdfOptions;
}

/** Detects the format, or explains which ones exist. */
export const resolveFormat = (
  bytes: Uint8Array,
  format: ImportFormat | undefined,
): Result<ImportFormat, TransferError> => {
  if (bytes.length > MAX_INPUT_BYTES) return err(tooLarge(bytes.length));
  const found = format ?? detectFormat(bytes);
  return found === undefined
    ? err({
        kind: "unknown-format",
        message: `cannot tell which password manager wrote this file; name it with --from, one of: ${IMPORT_FORMATS.join(", ")}`,
      })
    : { ok: true, value: found };
};

export const parseImport = async (
  bytes: Uint8Array,
  options: ParseImportOptions = {},
): Promise<Result<ParsedImport, TransferError>> => {
  const resolved = resolveFormat(bytes, options.format);
  if (!resolved.ok) return resolved;
  const format = resolved.value;
  if (needsPassword(format) && options.password === undefined)
    return err({ kind: "password-required", format });
  const password = options.password ?? "";
  if (format === "1password-1pux") return parseOnePassword1pux(bytes);
  if (format === "keepass-kdbx") return parseKeepassKdbx(bytes, password);
  const text = decodeText(bytes);
  if (text === undefined)
    return err({ kind: "malformed", format, message: "the file is not UTF-8 text" });
  switch (format) {
    case "bitwarden-json":
      return parseBitwardenJson(text);
    case "bitwarden-csv":
      return parseBitwardenCsv(text);
    case "1password-csv":
      return parseOnePasswordCsv(text);
    case "keepassxc-csv":
      return parseKeepassxcCsv(text);
    case "chrome-csv":
      return parseChromeCsv(text);
    case "firefox-csv":
      return parseFirefoxCsv(text);
    case "lastpass-csv":
      return parseLastPassCsv(text);
    case "protonpass-csv":
      return parseProtonPassCsv(text);
    case "keypears":
      return parseKeypearsExport(text, password, options.kdfOptions);
  }
};

const tooLarge = (size: number): TransferError => ({
  kind: "too-large",
  message: `the file is ${Math.ceil(size / 1024 / 1024)} MiB; exports of at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB are read`,
});

export const fileTooLarge = (size: number): TransferError | undefined =>
  size > MAX_INPUT_BYTES ? tooLarge(size) : undefined;
