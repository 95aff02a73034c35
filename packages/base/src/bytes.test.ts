import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asPlainBytes,
  base64UrlToBytes,
  bytesToBase64Url,
  bytesToHex,
  bytesToUtf8,
  compareBytes,
  concatBytes,
  hexToBytes,
} from "./bytes.ts";

test("hex round-trips every byte value", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(hexToBytes(bytesToHex(all)), all);
  assert.equal(bytesToHex(Uint8Array.of(0, 15, 255)), "000fff");
});

test("hex parsing rejects odd lengths and non-hex characters", () => {
  assert.throws(() => hexToBytes("abc"), /even number/);
  assert.throws(() => hexToBytes("zz"), /invalid hex digit/);
});

test("base64url matches RFC 4648 test vectors without padding", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    ["fooba", "Zm9vYmE"],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(bytesToBase64Url(new TextEncoder().encode(plain)), encoded);
    assert.equal(bytesToUtf8(base64UrlToBytes(encoded)), plain);
  }
  assert.equal(bytesToBase64Url(Uint8Array.of(0xfb, 0xff)), "-_8");
});

test("base64url parsing rejects padding, foreign characters and non-canonical tails", () => {
  assert.throws(() => base64UrlToBytes("Zg=="), /invalid base64url character/);
  assert.throws(() => base64UrlToBytes("Z+8"), /invalid base64url character/);
  assert.throws(() => base64UrlToBytes("Zh"), /non-canonical/);
  assert.throws(() => base64UrlToBytes("Z"), /length/);
});

test("compareBytes orders lexicographically with shorter prefixes first", () => {
  assert.ok(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)) < 0);
  assert.ok(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0)) < 0);
  assert.equal(
    compareBytes(concatBytes(Uint8Array.of(1), Uint8Array.of(2)), Uint8Array.of(1, 2)),
    0,
  );
});

test("asPlainBytes turns a Buffer into a Uint8Array whose slice copies", () => {
  const buffer = Buffer.from([1, 2, 3]);
  const plain = asPlainBytes(buffer);
  assert.equal(plain.constructor, Uint8Array);
  const copy = plain.slice();
  copy[0] = 9;
  assert.equal(buffer[0], 1);
  const already = Uint8Array.of(1);
  assert.equal(asPlainBytes(already), already);
});

test("UTF-8 decoding refuses malformed bytes", () => {
  assert.throws(() => bytesToUtf8(Uint8Array.of(0xff)));
});
