import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, utf8ToBytes } from "@keypears/base";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { blindIndex } from "./blind-index.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";
import type { IndexKey } from "./vault-keys.ts";

const random = createSeededRandomBytes("blind-index");
const indexKey = random(32) as IndexKey;

test("a blind index is the first 16 bytes of HMAC-SHA256 under the index key, in hex", () => {
  const value = blindIndex(indexKey, "password");
  assert.match(value, /^[0-9a-f]{32}$/);
  assert.equal(value, bytesToHex(hmac(sha256, indexKey, utf8ToBytes("password")).subarray(0, 16)));
});

test("equal names match, different names or keys do not, and Unicode forms are unified", () => {
  assert.equal(blindIndex(indexKey, "username"), blindIndex(indexKey, "username"));
  assert.notEqual(blindIndex(indexKey, "username"), blindIndex(indexKey, "Username"));
  assert.notEqual(blindIndex(random(32) as IndexKey, "username"), blindIndex(indexKey, "username"));
  assert.equal(blindIndex(indexKey, "caf\u00e9"), blindIndex(indexKey, "cafe\u0301"));
});

test("an index key of the wrong length throws", () => {
  assert.throws(
    () => blindIndex(new Uint8Array(16) as IndexKey, "x"),
    /expected 32-byte index key, got 16/,
  );
});
