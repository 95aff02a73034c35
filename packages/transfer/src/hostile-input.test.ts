/**
 * Hostile and broken files: each is refused with a clear error, within bounded time and memory, and
 * the vault is left as it was.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8ToBytes } from "@keypears/base";
import { Zip, ZipDeflate, zipSync } from "fflate";
import kdbxweb from "kdbxweb";
import { applyImport } from "./apply-import.ts";
import type { ExportItem } from "./export-item.ts";
import { encodeKeypearsExport } from "./formats/keypears-export.ts";
import { describeTransferError, type ImportFormat, type TransferError } from "./import-item.ts";
import { planImport } from "./import-plan.ts";
import { MAX_INPUT_BYTES } from "./limits.ts";
import { parseImport } from "./parse-import.ts";
import { TEST_EXPORT_KDF, TEST_EXPORT_KDF_OPTIONS } from "./testing/export-kdf.ts";
import { fixture, KDBX_FIXTURE_PASSWORD } from "./testing/fixtures.ts";
import { withTestVault } from "./testing/vault-fixture.ts";

const refused = async (
  bytes: Uint8Array,
  options: { format?: ImportFormat; password?: string } = {},
): Promise<TransferError> => {
  // Bounded work is shown by the error kinds (an inflate stopped at its byte limit, a depth limit),
  // not by a stopwatch: the time bound here only catches a hang (an unbounded inflate of a bomb
  // runs for many minutes), generous enough for a loaded 2-core machine.
  const started = Date.now();
  const result = await parseImport(bytes, { ...options, kdfOptions: TEST_EXPORT_KDF_OPTIONS });
  assert.ok(Date.now() - started < 180_000, "refused within 3 min (not hung)");
  assert.equal(result.ok, false, "the file was refused");
  return (result as { ok: false; error: TransferError }).error;
};

test("an undetectable file is an error that lists the formats", async () => {
  const error = await refused(utf8ToBytes("just some text\nnothing like an export\n"));
  assert.equal(error.kind, "unknown-format");
  assert.match(describeTransferError(error), /bitwarden-json, bitwarden-csv, 1password-1pux/);
});

test("malformed JSON, an encrypted Bitwarden export, and a non-UTF-8 file are refused", async () => {
  assert.equal(
    (await refused(utf8ToBytes('{"items": [ {"type": 1,'), { format: "bitwarden-json" })).kind,
    "malformed",
  );
  const encrypted = await refused(utf8ToBytes('{"encrypted": true, "items": []}'));
  assert.match(describeTransferError(encrypted), /encrypted Bitwarden export/);
  const latin1 = new Uint8Array([
    ...utf8ToBytes("name,url,username,password\nx,https://a.com,b,"),
    0xe9,
    0x0a,
  ]);
  assert.match(describeTransferError(await refused(latin1)), /not UTF-8/);
});

test("a CSV without a format's columns, or with an unterminated quote, is refused", async () => {
  const missing = await refused(utf8ToBytes("title,username\nx,y\n"), { format: "keepassxc-csv" });
  assert.match(describeTransferError(missing), /lacks the columns? group, password/);
  const open = await refused(utf8ToBytes('name,url,username,password\n"x,https://a.com,b,c\n'), {
    format: "chrome-csv",
  });
  assert.equal(open.kind, "malformed");
});

test("a CSV with a million columns is refused before it is split", async () => {
  const wide = utf8ToBytes(`name,url,username,password\nx,${",".repeat(1_000_000)}\n`);
  const error = await refused(wide, { format: "chrome-csv" });
  assert.match(describeTransferError(error), /line 2 has 1000002 columns/);
});

test("a file over the size limit is refused without being read", async () => {
  const error = await refused(new Uint8Array(MAX_INPUT_BYTES + 1));
  assert.equal(error.kind, "too-large");
});

test("JSON nested thousands deep is refused", async () => {
  const deep = `{"encrypted": false, "folders": [], "items": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
  assert.match(
    describeTransferError(await refused(utf8ToBytes(deep), { format: "bitwarden-json" })),
    /nested/,
  );
});

test("a zip bomb (export.data inflating past the bound) is refused while inflating", async () => {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    chunks.push(data);
  });
  const entry = new ZipDeflate("export.data", { level: 9 });
  zip.add(entry);
  const zeros = new Uint8Array(4 * 1024 * 1024).fill(0x20);
  for (let i = 0; i < 40; i++) entry.push(zeros, i === 39); // 160 MiB of spaces
  zip.end();
  const bomb = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bomb.set(chunk, at);
    at += chunk.length;
  }
  assert.ok(bomb.length < 1024 * 1024, "the bomb is small");
  const before = process.memoryUsage().rss;
  const error = await refused(bomb);
  assert.equal(error.kind, "too-large");
  assert.match(describeTransferError(error), /zip bomb/);
  assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, "memory stayed bounded");
});

test("a zip without export.data, and a damaged zip, are refused", async () => {
  const empty = zipSync({ "export.attributes": utf8ToBytes("{}") });
  assert.match(describeTransferError(await refused(empty)), /no export.data/);
  const damaged = fixture("1password.1pux").slice(0, 200);
  assert.equal((await refused(damaged)).kind, "malformed");
});

test("a KeePass file with the wrong password, or cut short, is refused", async () => {
  const kdbx = fixture("keepass.kdbx");
  assert.equal((await refused(kdbx, { password: "not it" })).kind, "wrong-password");
  assert.equal(
    (await refused(kdbx.slice(0, kdbx.length - 100), { password: KDBX_FIXTURE_PASSWORD })).kind,
    "malformed",
  );
  assert.equal((await refused(kdbx)).kind, "password-required");
});

const keypearsFile = (items: readonly ExportItem[]) =>
  encodeKeypearsExport(items, {
    password: "right",
    kdf: TEST_EXPORT_KDF,
    kdfOptions: TEST_EXPORT_KDF_OPTIONS,
    now: 0,
  });

const item = (title: string, fields: Record<string, unknown> = {}): ExportItem => ({
  id: "0190a0b0-c0d0-7e00-8f00-000000000001".replace(/1$/, String(title.length % 10)),
  type: "login",
  trashed: false,
  created: 0,
  updated: 0,
  fields: { title, ...fields } as ExportItem["fields"],
  history: {},
});

test("a KeyPears export with the wrong password, a changed header, or a hostile KDF is refused", async () => {
  const file = await keypearsFile([item("a")]);
  assert.equal((await refused(file, { password: "wrong" })).kind, "wrong-password");
  const text = new TextDecoder().decode(file);
  const moreIterations = utf8ToBytes(text.replace('"iterations": 1', '"iterations": 2'));
  assert.equal((await refused(moreIterations, { password: "right" })).kind, "wrong-password");
  const huge = utf8ToBytes(text.replace('"memoryKiB": 64', '"memoryKiB": 68719476736'));
  assert.match(describeTransferError(await refused(huge, { password: "right" })), /ceiling/);
  const future = utf8ToBytes(text.replace('"version": 1', '"version": 2'));
  assert.match(
    describeTransferError(await refused(future, { password: "right" })),
    /version 2 is not supported/,
  );
});

test("an import the vault refuses part-way leaves the vault unchanged (one transaction)", async () => {
  await withTestVault(async (vault) => {
    vault.add({ fields: { title: "Existing", password: "keep" } });
    const file = await keypearsFile([item("ok one"), item("ok two!"), item("bad", { bogus: "x" })]);
    const parsed = await parseImport(file, {
      password: "right",
      kdfOptions: TEST_EXPORT_KDF_OPTIONS,
    });
    assert.ok(parsed.ok);
    const applied = applyImport(vault, planImport(parsed.value, vault.list()), {
      duplicates: "skip",
    });
    assert.equal(applied.ok, false);
    assert.deepEqual(
      vault.list().map((i) => i.title),
      ["Existing"],
    );
  });
});

test("a KeePass file asking for an absurd key derivation is refused before running it", async () => {
  const db = kdbxweb.Kdbx.create(
    new kdbxweb.KdbxCredentials(kdbxweb.ProtectedValue.fromString("pw")),
    "Root",
  );
  db.setKdf(kdbxweb.Consts.KdfId.Aes);
  db.header.kdfParameters?.set(
    "R",
    kdbxweb.VarDictionary.ValueType.UInt64,
    kdbxweb.Int64.from(1000),
  );
  const saved = new Uint8Array(await db.save());
  // The VarDictionary entry: type UInt64 (5), key length 1, "R", value length 8, then the rounds.
  const entry = [0x05, 0x01, 0x00, 0x00, 0x00, 0x52, 0x08, 0x00, 0x00, 0x00];
  const at = saved.findIndex((_, i) => entry.every((byte, j) => saved[i + j] === byte));
  assert.ok(at > 0, "the rounds entry is in the header");
  new DataView(saved.buffer).setBigUint64(at + entry.length, 2n ** 50n, true);
  const error = await refused(saved, { password: "pw" });
  assert.match(describeTransferError(error), /AES rounds/);
});
