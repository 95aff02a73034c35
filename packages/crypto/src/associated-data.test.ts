import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, bytesToUtf8, utf8ToBytes } from "@keypears/base";
import { associatedData } from "./associated-data.ts";

const hex = (...args: Parameters<typeof associatedData>) => bytesToHex(associatedData(...args));

test("the encoding is exactly prefix, zero byte, then tagged length-prefixed parts", () => {
  assert.equal(
    hex("item", "ab", Uint8Array.of(0xff), 258),
    bytesToHex(utf8ToBytes("keypears/v1/item")) +
      "00" +
      "02" +
      "00000002" +
      "6162" +
      "01" +
      "00000001" +
      "ff" +
      "03" +
      "0000000000000102",
  );
  assert.equal(
    hex("x", Number.MAX_SAFE_INTEGER),
    bytesToHex(utf8ToBytes("keypears/v1/x")) + "00" + "03" + "001fffffffffffff",
  );
});

test("associated data begins with keypears/v1/ and the purpose", () => {
  const ad = associatedData("vault-key", "alice@example.com", "v1");
  assert.equal(
    bytesToUtf8(ad.subarray(0, "keypears/v1/vault-key".length)),
    "keypears/v1/vault-key",
  );
});

test("different splits, types and purposes never encode alike", () => {
  const encodings = [
    hex("p", "ab", "c"),
    hex("p", "a", "bc"),
    hex("p", "abc"),
    hex("p", "abc", ""),
    hex("p", utf8ToBytes("abc")),
    hex("p", 97),
    hex("p", "a"),
    hex("p"),
    hex("p", ""),
    hex("p", new Uint8Array(0)),
    hex("p", 0),
    hex("pa", "bc"),
    hex("p-a", "bc"),
    hex("p/a", "bc"),
    hex("vault", "key"),
    hex("vault-key"),
    hex("p", 1, 2),
    hex("p", 2, 1),
    hex("p", 2 ** 32),
    hex("p", 1),
  ];
  assert.equal(new Set(encodings).size, encodings.length);
});

test("misuse throws: bad purpose, negative or fractional numbers, lone surrogates", () => {
  for (const purpose of [
    "",
    "Vault",
    "vault key",
    "vault\0key",
    "-vault",
    "vault-",
    "vault//key",
  ]) {
    assert.throws(() => associatedData(purpose), /invalid associated-data purpose/, purpose);
  }
  assert.throws(
    () => associatedData("p", -1),
    /part 0 must be bytes, a string or a non-negative safe integer/,
  );
  assert.throws(() => associatedData("p", "ok", 1.5), /part 1/);
  assert.throws(() => associatedData("p", 2 ** 53), /part 0/);
  assert.throws(() => associatedData("p", "\ud800"), /part 0 is not well-formed UTF-16/);
  assert.doesNotThrow(() => associatedData("p", "emoji 😀"));
});
