/**
 * KeePass databases (KDBX 3.1 and 4, as KeePass and KeePassXC write them), read by kdbxweb with
 * Argon2 from hash-wasm. The standard fields map to ours; KeePassXC's `otp` field is the TOTP;
 * further `KP2A_URL` fields are URLs; every other field is a custom field (protected ones
 * hidden); the group path below the root is the folder; the recycle bin's entries come in trashed;
 * an entry's history gives the password's older values. The file's KDF cost is bounded, so a
 * hostile file cannot ask for 64 GiB.
 */

import { err, ok, type Result } from "@keypears/base";
import { argon2d, argon2id } from "hash-wasm";
import kdbxweb from "kdbxweb";
import { createCollector, TooManyItems } from "../collector.ts";
import type { ParsedImport, TransferError } from "../import-item.ts";

/** The costliest Argon2 a KeePass file may ask for: 1 GiB, 64 passes. */
const MAX_KDF_MEMORY_KIB = 1024 * 1024;
const MAX_KDF_ITERATIONS = 64;

let argon2Installed = false;
const installArgon2 = (): void => {
  if (argon2Installed) return;
  argon2Installed = true;
  kdbxweb.CryptoEngine.setArgon2Impl(
    async (password, salt, memory, iterations, length, parallelism, type, version) => {
      if (version !== 0x13) throw new Error("unsupported Argon2 version");
      if (memory > MAX_KDF_MEMORY_KIB || iterations > MAX_KDF_ITERATIONS) throw new KdfTooCostly();
      const hash = type === kdbxweb.CryptoEngine.Argon2TypeArgon2id ? argon2id : argon2d;
      const out = await hash({
        password: new Uint8Array(password),
        salt: new Uint8Array(salt),
        memorySize: memory,
        iterations,
        parallelism,
        hashLength: length,
        outputType: "binary",
      });
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
    },
  );
};

class KdfTooCostly extends Error {}

/** AES-KDF rounds a file may ask for (KeePass's one-second default is a few million). */
const MAX_AES_ROUNDS = 100_000_000;

/**
 * Reads the header alone and refuses a key derivation too costly to run, before kdbxweb would
 * start it: an AES-KDF of 2^50 rounds would otherwise keep the importer busy for years.
 */
const kdfRefusal = (data: ArrayBuffer): string | undefined => {
  let header: kdbxweb.KdbxHeader;
  try {
    // The header reader needs a context only for its database's binaries, which it does not touch here.
    const ctx = new kdbxweb.KdbxContext({ kdbx: {} as kdbxweb.Kdbx });
    header = kdbxweb.KdbxHeader.read(new kdbxweb.BinaryStream(data), ctx);
  } catch {
    return undefined; // Kdbx.load reports what is wrong with it.
  }
  const number = (value: unknown): number =>
    typeof value === "number" ? value : value instanceof kdbxweb.Int64 ? value.value : 0;
  const rounds = header.keyEncryptionRounds ?? number(header.kdfParameters?.get("R"));
  if (rounds > MAX_AES_ROUNDS)
    return `its key derivation asks for ${rounds} AES rounds (at most ${MAX_AES_ROUNDS})`;
  const memoryKiB = number(header.kdfParameters?.get("M")) / 1024;
  const iterations = number(header.kdfParameters?.get("I"));
  if (memoryKiB > MAX_KDF_MEMORY_KIB || iterations > MAX_KDF_ITERATIONS)
    return `its key derivation asks for more than ${MAX_KDF_MEMORY_KIB / 1024} MiB or ${MAX_KDF_ITERATIONS} passes`;
  return undefined;
};

const STANDARD: Readonly<Record<string, string>> = {
  Title: "title",
  UserName: "username",
  Password: "password",
  Notes: "notes",
  otp: "totp",
  "TOTP Seed": "totp",
  "TimeOtp-Secret-Base32": "totp",
};

export const parseKeepassKdbx = async (
  bytes: Uint8Array,
  password: string,
): Promise<Result<ParsedImport, TransferError>> => {
  installArgon2();
  const malformed = (message: string) =>
    err({ kind: "malformed" as const, format: "keepass-kdbx" as const, message });
  let db: kdbxweb.Kdbx;
  try {
    const data = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    const refusal = kdfRefusal(data);
    if (refusal !== undefined) return malformed(refusal);
    db = await kdbxweb.Kdbx.load(
      data,
      new kdbxweb.KdbxCredentials(kdbxweb.ProtectedValue.fromString(password)),
    );
  } catch (error) {
    if (error instanceof KdfTooCostly)
      return malformed(
        `its key derivation asks for more than ${MAX_KDF_MEMORY_KIB / 1024} MiB or ${MAX_KDF_ITERATIONS} passes`,
      );
    const code = error instanceof kdbxweb.KdbxError ? error.code : undefined;
    if (code === kdbxweb.Consts.ErrorCodes.InvalidKey)
      return err({ kind: "wrong-password", format: "keepass-kdbx" });
    if (code === kdbxweb.Consts.ErrorCodes.BadSignature) return malformed("not a KeePass database");
    return malformed(`cannot be read (${code ?? "damaged"})`);
  }
  const collector = createCollector("keepass-kdbx");
  const recycleBin = db.meta.recycleBinEnabled ? db.meta.recycleBinUuid?.id : undefined;
  const walk = (group: kdbxweb.KdbxGroup, path: readonly string[], trashed: boolean): void => {
    for (const entry of group.entries) {
      const where = `entry "${String(entry.fields.get("Title") ?? "").slice(0, 40)}"`;
      const item = collector.item(where).folder(path.join("/")).trashed(trashed);
      for (const [name, raw] of entry.fields) {
        const value = raw instanceof kdbxweb.ProtectedValue ? raw.getText() : raw;
        const standard = STANDARD[name];
        if (standard !== undefined) item.set(standard, value);
        else if (name === "URL" || name.startsWith("KP2A_URL")) item.url(value);
        else {
          collector.mapped(`KeePass field -> custom field`);
          item.custom(name, value, raw instanceof kdbxweb.ProtectedValue);
        }
      }
      for (const tag of entry.tags) item.tag(tag);
      if (entry.binaries.size > 0) {
        collector.mapped("attachment -> not imported (listed in a custom field)");
        item.custom("attachments", [...entry.binaries.keys()].join(", "));
      }
      const current = passwordOf(entry);
      const older: string[] = [];
      for (const previous of entry.history) {
        const value = passwordOf(previous);
        if (value !== undefined && value !== current && older.at(-1) !== value) older.push(value);
      }
      item.history("password", older);
      collector.finish(item);
    }
    for (const child of group.groups) {
      const inBin = trashed || (recycleBin !== undefined && child.uuid.id === recycleBin);
      walk(child, inBin ? path : [...path, child.name ?? ""], inBin);
    }
  };
  try {
    walk(db.getDefaultGroup(), [], false);
  } catch (error) {
    if (error instanceof TooManyItems) return err({ kind: "too-large", message: error.message });
    throw error;
  }
  return ok(collector.result());
};

const passwordOf = (entry: kdbxweb.KdbxEntry): string | undefined => {
  const raw = entry.fields.get("Password");
  const value = raw instanceof kdbxweb.ProtectedValue ? raw.getText() : raw;
  return value === undefined || value === "" ? undefined : value;
};
