import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8ToBytes } from "@keypears/base";
import { totpCode, type TotpAlgorithm, type TotpConfig } from "./totp.ts";

// RFC 6238 Appendix B: the seeds are ASCII digits repeated to the hash's output length.
const seeds: Record<TotpAlgorithm, Uint8Array> = {
  SHA1: utf8ToBytes("12345678901234567890"),
  SHA256: utf8ToBytes("12345678901234567890123456789012"),
  SHA512: utf8ToBytes("1234567890123456789012345678901234567890123456789012345678901234"),
};
const appendixB: [number, Record<TotpAlgorithm, string>][] = [
  [59, { SHA1: "94287082", SHA256: "46119246", SHA512: "90693936" }],
  [1111111109, { SHA1: "07081804", SHA256: "68084774", SHA512: "25091201" }],
  [1111111111, { SHA1: "14050471", SHA256: "67062674", SHA512: "99943326" }],
  [1234567890, { SHA1: "89005924", SHA256: "91819424", SHA512: "93441116" }],
  [2000000000, { SHA1: "69279037", SHA256: "90698825", SHA512: "38618901" }],
  [20000000000, { SHA1: "65353130", SHA256: "77737706", SHA512: "47863826" }],
];

test("TOTP reproduces RFC 6238 Appendix B for SHA1, SHA256 and SHA512 at every listed time", () => {
  for (const [seconds, codes] of appendixB) {
    for (const algorithm of ["SHA1", "SHA256", "SHA512"] as const) {
      const config: TotpConfig = { secret: seeds[algorithm], algorithm, digits: 8, period: 30 };
      assert.equal(
        totpCode(config, seconds * 1000).code,
        codes[algorithm],
        `${algorithm} at ${seconds}`,
      );
    }
  }
});

test("six digits are the last six of the eight, and the code holds for the whole step", () => {
  const config: TotpConfig = { secret: seeds.SHA1, algorithm: "SHA1", digits: 6, period: 30 };
  assert.deepEqual(totpCode(config, 59_000), { code: "287082", secondsRemaining: 1 });
  assert.deepEqual(totpCode(config, 30_000), { code: "287082", secondsRemaining: 30 });
  assert.deepEqual(totpCode(config, 45_999), { code: "287082", secondsRemaining: 15 });
  assert.notEqual(totpCode(config, 60_000).code, "287082");
  assert.equal(totpCode({ ...config, digits: 7 }, 59_000).code, "4287082");
});

test("the period sets the step and the seconds remaining", () => {
  const config: TotpConfig = { secret: seeds.SHA1, algorithm: "SHA1", digits: 8, period: 60 };
  // 59 s falls in step 0 with a 60 s period, not step 1.
  assert.notEqual(totpCode(config, 59_000).code, "94287082");
  assert.equal(totpCode(config, 59_000).secondsRemaining, 1);
  assert.equal(totpCode(config, 90_000).code, totpCode({ ...config, period: 30 }, 30_000).code);
});

test("impossible configurations and times are misuse and throw", () => {
  const config: TotpConfig = { secret: seeds.SHA1, algorithm: "SHA1", digits: 6, period: 30 };
  assert.throws(() => totpCode({ ...config, digits: 5 }, 0), /6 to 8 TOTP digits, got 5/);
  assert.throws(() => totpCode({ ...config, digits: 9 }, 0), /got 9/);
  assert.throws(() => totpCode({ ...config, period: 0 }, 0), /period of 1 to 3600 seconds, got 0/);
  assert.throws(
    () => totpCode({ ...config, secret: new Uint8Array(0) }, 0),
    /non-empty TOTP secret/,
  );
  assert.throws(
    () => totpCode({ ...config, algorithm: "MD5" as TotpAlgorithm }, 0),
    /unsupported TOTP algorithm/,
  );
  assert.throws(() => totpCode(config, -1), /non-negative time/);
  assert.throws(() => totpCode(config, Number.NaN), /non-negative time/);
});
