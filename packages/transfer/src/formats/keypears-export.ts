/**
 * KeyPears's own export: every item with its full history, encrypted under an export password of
 * its own (Argon2id, then XChaCha20-Poly1305), in a JSON envelope. The envelope's header (format,
 * version, KDF parameters, salt) is the sealed box's associated data, so none of it can be
 * changed without the box failing to open. The layout is documented in docs/export-format.md.
 *
 * Why a password of its own: the file leaves the device (a USB stick, another manager's import
 * screen), so it must not be openable with the account's keys, and forgetting the account password
 * must not lose it.
 */

import {
  base64UrlToBytes,
  bytesToBase64Url,
  err,
  ok,
  type Result,
  utf8ToBytes,
} from "@keypears/base";
import {
  associatedData,
  checkKdfParams,
  DEFAULT_KDF_PARAMS,
  deriveArgon2id,
  type KdfOptions,
  type KdfParams,
  open,
  type RandomBytes,
  seal,
  systemRandomBytes,
  wipe,
} from "@keypears/crypto";
import type { FieldValue } from "@keypears/sync-core";
import type { ItemType } from "@keypears/vault/core";
import { createCollector, TooManyItems } from "../collector.ts";
import type { ExportItem } from "../export-item.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";
import { isRecord, list } from "../json-shape.ts";
import { MAX_JSON_DEPTH } from "../limits.ts";
import { parseJson } from "../source-text.ts";

export const KEYPEARS_EXPORT_FORMAT = "keypears-export";
export const KEYPEARS_EXPORT_VERSION = 1;
const SALT_LENGTH = 16;

export interface KeypearsExportOptions {
  readonly password: string;
  readonly kdf?: KdfParams;
  readonly randomBytes?: RandomBytes;
  /** Tests only, as in `deriveArgon2id`. */
  readonly kdfOptions?: KdfOptions;
  /** Unix milliseconds, written into the payload. */
  readonly now: number;
}

const headerAd = (kdf: KdfParams, salt: Uint8Array) =>
  associatedData(
    "export",
    KEYPEARS_EXPORT_FORMAT,
    KEYPEARS_EXPORT_VERSION,
    kdf.algorithm,
    kdf.memoryKiB,
    kdf.iterations,
    kdf.parallelism,
    salt,
  );

export const encodeKeypearsExport = async (
  items: readonly ExportItem[],
  options: KeypearsExportOptions,
): Promise<Uint8Array> => {
  const kdf = options.kdf ?? DEFAULT_KDF_PARAMS;
  const random = options.randomBytes ?? systemRandomBytes;
  const salt = random(SALT_LENGTH).slice(0, SALT_LENGTH);
  const key = await deriveArgon2id(utf8ToBytes(options.password), salt, kdf, options.kdfOptions);
  if (!key.ok) throw new Error(`export KDF parameters refused: ${key.error.message}`);
  const payload = utf8ToBytes(
    JSON.stringify({
      exportedAt: new Date(options.now).toISOString(),
      items: items.map((item) => ({
        id: item.id,
        type: item.type,
        trashed: item.trashed,
        created: item.created,
        updated: item.updated,
        fields: item.fields,
        history: item.history,
      })),
    }),
  );
  const sealed = seal(key.value, payload, headerAd(kdf, salt), random);
  wipe(key.value);
  payload.fill(0);
  const envelope = {
    format: KEYPEARS_EXPORT_FORMAT,
    version: KEYPEARS_EXPORT_VERSION,
    kdf: { ...kdf, salt: bytesToBase64Url(salt) },
    cipher: "xchacha20-poly1305",
    sealed: bytesToBase64Url(sealed),
  };
  return utf8ToBytes(`${JSON.stringify(envelope, null, 2)}\n`);
};

/** True when the text looks like a KeyPears export envelope (for format detection). */
export const isKeypearsExport = (text: string): boolean =>
  text.trimStart().startsWith("{") && text.includes(`"${KEYPEARS_EXPORT_FORMAT}"`);

export const parseKeypearsExport = async (
  text: string,
  password: string,
  kdfOptions: KdfOptions = {},
): Promise<Result<ParsedImport, TransferError>> => {
  const malformed = (message: string) =>
    err({ kind: "malformed" as const, format: "keypears" as const, message });
  let envelope: unknown;
  try {
    envelope = parseJson(text, MAX_JSON_DEPTH);
  } catch (error) {
    return malformed(error instanceof Error ? error.message : "not JSON");
  }
  if (!isRecord(envelope) || envelope["format"] !== KEYPEARS_EXPORT_FORMAT)
    return malformed(`"format" is not "${KEYPEARS_EXPORT_FORMAT}"`);
  if (envelope["version"] !== KEYPEARS_EXPORT_VERSION)
    return malformed(
      `version ${String(envelope["version"]).slice(0, 10)} is not supported (this KeyPears reads version ${KEYPEARS_EXPORT_VERSION}); update KeyPears`,
    );
  if (envelope["cipher"] !== "xchacha20-poly1305") return malformed("unknown cipher");
  const rawKdf = envelope["kdf"];
  if (
    !isRecord(rawKdf) ||
    typeof rawKdf["salt"] !== "string" ||
    typeof envelope["sealed"] !== "string"
  )
    return malformed('"kdf" or "sealed" is missing');
  let salt: Uint8Array;
  let sealed: Uint8Array;
  try {
    salt = base64UrlToBytes(rawKdf["salt"]);
    sealed = base64UrlToBytes(envelope["sealed"]);
  } catch {
    return malformed("the salt or the sealed payload is not base64url");
  }
  if (salt.length !== SALT_LENGTH) return malformed(`the salt is not ${SALT_LENGTH} bytes`);
  const kdf = {
    algorithm: rawKdf["algorithm"],
    memoryKiB: rawKdf["memoryKiB"],
    iterations: rawKdf["iterations"],
    parallelism: rawKdf["parallelism"],
  } as KdfParams;
  // A hostile file cannot ask for 64 GiB or a single pass: the account KDF's floor and ceiling hold.
  const checked = checkKdfParams(kdf, kdfOptions);
  if (!checked.ok) return malformed(checked.error.message);
  const key = await deriveArgon2id(utf8ToBytes(password), salt, checked.value, kdfOptions);
  if (!key.ok) return malformed(key.error.message);
  const opened = open(key.value, sealed, headerAd(checked.value, salt));
  wipe(key.value);
  if (!opened.ok) return err({ kind: "wrong-password", format: "keypears" });
  let payload: unknown;
  try {
    payload = parseJson(
      new TextDecoder("utf-8", { fatal: true }).decode(opened.value),
      MAX_JSON_DEPTH,
    );
  } catch {
    return malformed("the payload is not JSON");
  } finally {
    opened.value.fill(0);
  }
  if (!isRecord(payload) || !Array.isArray(payload["items"]))
    return malformed('the payload has no "items"');
  return itemsOf(payload["items"]);
};

const ITEM_TYPES: readonly string[] = ["login", "note", "card", "identity", "apikey"];

const itemsOf = (raw: readonly unknown[]): Result<ParsedImport, TransferError> => {
  const collector = createCollector("keypears");
  try {
    raw.forEach((entry, index) => {
      const where = `item ${index + 1}`;
      if (!isRecord(entry) || !isRecord(entry["fields"]))
        return collector.reject(where, "not an item");
      const type = String(entry["type"]);
      if (!ITEM_TYPES.includes(type))
        return collector.reject(where, `unknown type "${type.slice(0, 20)}"`);
      const item = collector
        .item(where)
        .type(type as ItemType)
        .trashed(entry["trashed"] === true);
      if (typeof entry["id"] === "string") item.id(entry["id"]);
      for (const [name, value] of Object.entries(entry["fields"]))
        item.raw(name, value as FieldValue);
      if (isRecord(entry["history"]))
        for (const [name, values] of Object.entries(entry["history"]))
          item.rawHistory(
            name,
            list(values).flatMap((v) =>
              isRecord(v) && "value" in v ? [v["value"] as FieldValue] : [],
            ),
          );
      collector.finish(item);
    });
  } catch (error) {
    if (error instanceof TooManyItems) return err({ kind: "too-large", message: error.message });
    throw error;
  }
  return ok(collector.result());
};
