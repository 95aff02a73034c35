import assert from "node:assert/strict";
import { test } from "node:test";
import { systemRandomBytes } from "@keypears/base";
import fc from "fast-check";
import { hmacSha256Hex as nobleHmac } from "./hmac-sha256.ts";
import { hmacSha256Hex as nodeHmac } from "./node/hmac-sha256.ts";
import { createKeyedHash } from "./keyed-hash.ts";

test("equal texts hash equal under one key, different texts differ, and a new run's key changes every digest", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      const hash = createKeyedHash(systemRandomBytes);
      const other = createKeyedHash(systemRandomBytes);
      assert.equal(hash(a), hash(a));
      assert.equal(hash(a) === hash(b), a === b);
      assert.notEqual(hash(a), other(a));
      assert.match(hash(a), /^[0-9a-f]{64}$/);
    }),
    { verbose: true },
  );
});

test("a known key gives HMAC-SHA256 (RFC 4231 case 2 with its key padded)", () => {
  // Key "Jefe" zero-padded to 32 bytes is the same HMAC key as "Jefe" itself.
  const key = new Uint8Array(32);
  key.set(new TextEncoder().encode("Jefe"));
  const hash = createKeyedHash(() => key);
  assert.equal(
    hash("what do ya want for nothing?"),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  assert.throws(
    () => createKeyedHash(() => new Uint8Array(16)),
    /expected 32 random bytes, got 16/,
  );
});

test("Node's native HMAC and noble's give the same digests (the browser and Node read alike)", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string(), (key, text) => {
      assert.equal(nodeHmac(key)(text), nobleHmac(key)(text));
    }),
  );
  const jefe = new TextEncoder().encode("Jefe");
  for (const hmac of [nodeHmac, nobleHmac])
    assert.equal(
      hmac(jefe)("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
});
