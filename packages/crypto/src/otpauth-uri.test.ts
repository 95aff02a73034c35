import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8ToBytes } from "@keypears/base";
import { parseOtpauthUri } from "./otpauth-uri.ts";
import { totpCode } from "./totp.ts";

// base32 of "12345678901234567890", the RFC 6238 SHA1 seed.
const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

test("a full otpauth URI gives label, issuer, account and a working TOTP config", () => {
  const parsed = parseOtpauthUri(
    `otpauth://totp/ACME%20Co:alice@example.com?secret=${secret}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60`,
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.value.label, "ACME Co:alice@example.com");
  assert.equal(parsed.value.issuer, "ACME Co");
  assert.equal(parsed.value.accountName, "alice@example.com");
  assert.deepEqual(parsed.value.config, {
    secret: utf8ToBytes("12345678901234567890"),
    algorithm: "SHA256",
    digits: 8,
    period: 60,
  });
});

test("defaults are SHA1, 6 digits and 30 seconds, and the code matches RFC 6238", () => {
  const parsed = parseOtpauthUri(`otpauth://totp/alice?secret=${secret.toLowerCase()}`);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.issuer, undefined);
  assert.equal(parsed.value.accountName, "alice");
  assert.equal(totpCode(parsed.value.config, 59_000).code, "287082");
});

test("the issuer comes from the label when the parameter is absent, and the scheme is case-insensitive", () => {
  const parsed = parseOtpauthUri(`OTPAUTH://TOTP/Example:bob?secret=${secret}&algorithm=sha512`);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.issuer, "Example");
  assert.equal(parsed.value.accountName, "bob");
  assert.equal(parsed.value.config.algorithm, "SHA512");
});

const reasonOf = (uri: string) => {
  const parsed = parseOtpauthUri(uri);
  return parsed.ok ? "accepted" : parsed.error.reason;
};

test("each kind of bad URI gets its own clear error", () => {
  const cases: [string, string][] = [
    [`https://totp/x?secret=${secret}`, "bad-scheme"],
    [`otpauth:totp/x?secret=${secret}`, "bad-scheme"],
    [`otpauth://totp?secret=${secret}`, "malformed"],
    [`otpauth://totp/%E0%A4%A?secret=${secret}`, "malformed"],
    [`otpauth://totp/x?secret=${secret}&secret=${secret}`, "malformed"],
    [`otpauth://hotp/x?secret=${secret}&counter=1`, "hotp-unsupported"],
    [`otpauth://motp/x?secret=${secret}`, "unknown-type"],
    ["otpauth://totp/x?issuer=ACME", "missing-secret"],
    ["otpauth://totp/x?secret=", "missing-secret"],
    ["otpauth://totp/x?secret=not-base32!", "invalid-secret"],
    ["otpauth://totp/x?secret=A", "invalid-secret"],
    [`otpauth://totp/x?secret=${secret}&algorithm=MD5`, "unsupported-algorithm"],
    [`otpauth://totp/x?secret=${secret}&digits=5`, "invalid-digits"],
    [`otpauth://totp/x?secret=${secret}&digits=9`, "invalid-digits"],
    [`otpauth://totp/x?secret=${secret}&digits=six`, "invalid-digits"],
    [`otpauth://totp/x?secret=${secret}&period=0`, "invalid-period"],
    [`otpauth://totp/x?secret=${secret}&period=-30`, "invalid-period"],
    [`otpauth://totp/x?secret=${secret}&period=30.5`, "invalid-period"],
    [`otpauth://totp/x?secret=${secret}&period=86400`, "invalid-period"],
  ];
  for (const [uri, reason] of cases) assert.equal(reasonOf(uri), reason, uri);
});
