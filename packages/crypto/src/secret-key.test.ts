import assert from "node:assert/strict";
import { test } from "node:test";
import { hexToBytes } from "@keypears/base";
import { createSecretKey, formatSecretKey, parseSecretKey, type SecretKey } from "./secret-key.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const random = createSeededRandomBytes("secret-key");

test("a Secret Key is formatted as K1- and six groups: 26 data symbols and one check symbol", () => {
  const zero = new Uint8Array(16) as SecretKey;
  const text = formatSecretKey(zero);
  assert.match(text, /^K1-00000-00000-00000-00000-00000-0[0-9A-HJKMNP-TV-Z]$/);
  const key = hexToBytes("0123456789abcdeffedcba9876543210") as SecretKey;
  // 0x01 23 45 67 in 5-bit groups: 00000 00100 10001 10100 01010 11001 … = 0 4 17 20 10 25
  assert.ok(formatSecretKey(key).startsWith("K1-04HMA-S"), formatSecretKey(key));
  for (let i = 0; i < 50; i++) {
    assert.match(
      formatSecretKey(createSecretKey(random)),
      /^K1(-[0-9A-HJKMNP-TV-Z]{5}){5}-[0-9A-HJKMNP-TV-Z]{2}$/,
    );
  }
});

test("format then parse round-trips", () => {
  for (let i = 0; i < 200; i++) {
    const key = createSecretKey(random);
    assert.deepEqual(parseSecretKey(formatSecretKey(key)), { ok: true, value: key });
  }
});

test("parsing tolerates case, spacing, missing dashes and Crockford look-alikes", () => {
  const key = hexToBytes("0123456789abcdeffedcba9876543210") as SecretKey;
  const text = formatSecretKey(key);
  const body = text.slice(3);
  const variants = [
    text.toLowerCase(),
    text.replace(/-/g, ""),
    text.replace(/-/g, " "),
    `  ${text.replace(/-/g, " - ")}\n`,
    `K1${body}`.replace(/-/g, "—"),
    text.replace(/0/g, "O").replace(/1/g, "I"),
    text.replace(/1/g, "l").toLowerCase(),
    "kL" + body.replace(/0/g, "o"),
  ];
  for (const variant of variants)
    assert.deepEqual(parseSecretKey(variant), { ok: true, value: key }, variant);
});

const reasonOf = (text: string) => {
  const parsed = parseSecretKey(text);
  return parsed.ok ? "accepted" : parsed.error.reason;
};

test("changing one character is caught", () => {
  const text = formatSecretKey(hexToBytes("0123456789abcdeffedcba9876543210") as SecretKey);
  const changed = text.slice(0, 4) + (text[4] === "8" ? "9" : "8") + text.slice(5);
  assert.equal(reasonOf(changed), "checksum-mismatch");
  const checkChanged = text.slice(0, -1) + (text.endsWith("A") ? "B" : "A");
  assert.equal(reasonOf(checkChanged), "checksum-mismatch");
});

test("the check symbol catches nearly all single-symbol substitutions (a miss rate near 1/32)", () => {
  let tried = 0;
  let caught = 0;
  for (let k = 0; k < 20; k++) {
    const text = formatSecretKey(createSecretKey(random)).replace(/-/g, "");
    for (let i = 2; i < text.length; i++) {
      for (const symbol of crockford) {
        if (symbol === text[i]) continue;
        tried++;
        if (!parseSecretKey(text.slice(0, i) + symbol + text.slice(i + 1)).ok) caught++;
      }
    }
  }
  const missRate = 1 - caught / tried;
  assert.ok(missRate < 0.045, `miss rate ${missRate}`);
});

test("parsing is strict about prefix, version, length and alphabet", () => {
  const text = formatSecretKey(createSecretKey(random));
  assert.equal(reasonOf(text.slice(3)), "wrong-prefix");
  assert.equal(reasonOf("K2" + text.slice(2)), "unsupported-version");
  assert.equal(reasonOf(text.slice(0, -1)), "wrong-length");
  assert.equal(reasonOf(text + "0"), "wrong-length");
  assert.equal(reasonOf(text.slice(0, 4) + "U" + text.slice(5)), "invalid-character");
  assert.equal(reasonOf(text.slice(0, 4) + "*" + text.slice(5)), "invalid-character");
  assert.equal(reasonOf(""), "wrong-prefix");
});

test("formatting a key of the wrong length throws", () => {
  assert.throws(
    () => formatSecretKey(new Uint8Array(15) as SecretKey),
    /expected 16-byte Secret Key, got 15/,
  );
});
