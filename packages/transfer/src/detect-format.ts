/**
 * Which export a file is, from its content alone: zip and KDBX signatures, the shape of JSON, and
 * the header line of a CSV file (each manager writes its own column names).
 */

import type { ImportFormat } from "./import-item.ts";

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const KDBX = [0x03, 0xd9, 0xa2, 0x9a];

/** Distinctive CSV headers, most specific first. */
const CSV_SIGNATURES: readonly (readonly [ImportFormat, readonly string[]])[] = [
  ["bitwarden-csv", ["type", "name", "login_uri", "login_password"]],
  ["lastpass-csv", ["url", "username", "password", "extra", "name", "grouping"]],
  ["protonpass-csv", ["type", "name", "url", "email", "username", "password", "note", "vault"]],
  ["keepassxc-csv", ["group", "title", "username", "password", "url", "notes"]],
  ["1password-csv", ["title", "url", "username", "password", "otpauth"]],
  ["firefox-csv", ["url", "username", "password", "httprealm", "formactionorigin"]],
  ["chrome-csv", ["name", "url", "username", "password"]],
];

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  signature.every((byte, i) => bytes[i] === byte);

export const detectFormat = (bytes: Uint8Array): ImportFormat | undefined => {
  if (startsWith(bytes, ZIP)) return "1password-1pux";
  if (startsWith(bytes, KDBX)) return "keepass-kdbx";
  // Lenient here (the slice may cut a character in two); the parser decodes strictly.
  const trimmed = new TextDecoder()
    .decode(bytes.subarray(0, 64 * 1024))
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (trimmed.startsWith("{")) {
    if (/"format"\s*:\s*"keypears-export"/.test(trimmed)) return "keypears";
    if (/"items"\s*:/.test(trimmed) && /"(folders|encrypted)"\s*:/.test(trimmed))
      return "bitwarden-json";
    if (/"items"\s*:/.test(trimmed) && /"(login|passwordHistory|revisionDate)"\s*:/.test(trimmed))
      return "bitwarden-json";
    return undefined;
  }
  const headerLine = trimmed.split(/\r?\n/, 1)[0] ?? "";
  const columns = new Set(
    headerLine.split(",").map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase()),
  );
  return CSV_SIGNATURES.find(([, required]) => required.every((c) => columns.has(c)))?.[0];
};
