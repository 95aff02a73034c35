import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressSchema,
  authSecretSchema,
  bytesSchema,
  deviceIdSchema,
  eventIdSchema,
  kdfParamsSchema,
} from "./wire.ts";

describe("wire schemas", () => {
  it("reads addresses in canonical form: the domain lowercased, the name kept as typed", () => {
    assert.equal(addressSchema.parse("Alice@Example.COM"), "Alice@example.com");
    assert.equal(addressSchema.parse("a.b+c@host:7420"), "a.b+c@host:7420");
    for (const bad of [
      "alice",
      "@x.com",
      "alice@",
      "a..b@x.com",
      "a@-x.com",
      "a@x.com:99999",
      "a b@x.com",
    ]) {
      assert.equal(addressSchema.safeParse(bad).success, false, bad);
    }
  });

  it("takes bytes as canonical unpadded base64url of the right length only", () => {
    assert.equal(authSecretSchema.safeParse("A".repeat(43)).success, true);
    assert.equal(authSecretSchema.safeParse("A".repeat(42)).success, false, "31 bytes");
    assert.equal(
      authSecretSchema.safeParse(`${"A".repeat(42)}B`).success,
      false,
      "non-canonical tail",
    );
    const upTo3 = bytesSchema("test", 0, 3);
    assert.equal(upTo3.safeParse("").success, true);
    assert.equal(upTo3.safeParse("Zm9v").success, true);
    assert.equal(upTo3.safeParse("Zm8=").success, false, "padding");
    assert.equal(upTo3.safeParse("Zm9vYg").success, false, "4 bytes");
  });

  it("names the rule broken in an error, never the value sent", () => {
    const secret = `${"Q".repeat(40)}+/=`;
    const result = authSecretSchema.safeParse(secret);
    assert.equal(result.success, false);
    assert.ok(!JSON.stringify(result.error?.issues).includes(secret));
  });

  it("checks ids and KDF parameters", () => {
    assert.equal(eventIdSchema.safeParse("01a20085-43db-72d3-9c35-20f3e18aff75").success, true);
    assert.equal(eventIdSchema.safeParse("01A20085-43DB-72D3-9C35-20F3E18AFF75").success, false);
    assert.equal(deviceIdSchema.safeParse("0123456789abcdef").success, true);
    assert.equal(deviceIdSchema.safeParse("0123456789abcde").success, false);
    const kdf = { algorithm: "argon2id", memoryKiB: 65536, iterations: 3, parallelism: 1 };
    assert.equal(kdfParamsSchema.safeParse(kdf).success, true);
    assert.equal(kdfParamsSchema.safeParse({ ...kdf, algorithm: "scrypt" }).success, false);
    assert.equal(kdfParamsSchema.safeParse({ ...kdf, memoryKiB: 2 ** 40 }).success, false);
  });
});
