import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToUtf8, utf8ToBytes } from "@keypears/base";
import { bytesToBase32, parseBase32 } from "./base32.ts";

// RFC 4648 §10
const vectors: [string, string][] = [
  ["", ""],
  ["f", "MY======"],
  ["fo", "MZXQ===="],
  ["foo", "MZXW6==="],
  ["foob", "MZXW6YQ="],
  ["fooba", "MZXW6YTB"],
  ["foobar", "MZXW6YTBOI======"],
];

test("base32 matches the RFC 4648 test vectors both ways", () => {
  for (const [plain, encoded] of vectors) {
    assert.equal(bytesToBase32(utf8ToBytes(plain)), encoded);
    const parsed = parseBase32(encoded);
    assert.ok(parsed.ok);
    assert.equal(bytesToUtf8(parsed.value), plain);
  }
});

test("parsing accepts lowercase, missing padding and grouping spaces", () => {
  for (const text of ["mzxw6ytboi", "MZXW 6YTB OI", "mzxw-6ytb-oi======", " MZXW6YTBOI\n"]) {
    const parsed = parseBase32(text);
    assert.ok(parsed.ok, text);
    assert.equal(bytesToUtf8(parsed.value), "foobar");
  }
});

test("parsing refuses characters outside the alphabet and lengths no encoder makes", () => {
  for (const text of ["MZXW1", "MZXW8", "MZ=XW", "MZXW6YTB!"]) {
    assert.deepEqual(
      parseBase32(text),
      { ok: false, error: { kind: "invalid-base32", reason: "invalid-character" } },
      text,
    );
  }
  for (const text of ["M", "MZX", "MZXW6Y"]) {
    assert.deepEqual(
      parseBase32(text),
      { ok: false, error: { kind: "invalid-base32", reason: "invalid-length" } },
      text,
    );
  }
});
