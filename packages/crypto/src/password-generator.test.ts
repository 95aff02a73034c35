import assert from "node:assert/strict";
import { test } from "node:test";
import { countValidPasswords, generatePassphrase, generatePassword } from "./password-generator.ts";
import { chiSquared } from "./testing/chi-squared.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";
import { WORD_LIST } from "./word-list.ts";

const random = createSeededRandomBytes("password-generator");
const lower = "abcdefghijklmnopqrstuvwxyz";
const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const digits = "0123456789";
const symbols = "!#$%&()*+,-./:;<=>?@[]^_{|}~";

const password = (options: Parameters<typeof generatePassword>[0]) => {
  const result = generatePassword(options, random);
  assert.ok(result.ok, JSON.stringify(result));
  return result.value.password;
};
const has = (text: string, set: string) => set.split("").some((char) => text.includes(char));

test("a default password has 20 characters and at least one of each class", () => {
  for (let i = 0; i < 500; i++) {
    const value = password({});
    assert.equal(value.length, 20);
    for (const set of [lower, upper, digits, symbols]) assert.ok(has(value, set), value);
  }
});

test("disabled classes never appear and enabled ones always do, even at the minimum length", () => {
  for (let i = 0; i < 300; i++) {
    const value = password({ length: 2, upper: false, symbols: false });
    assert.equal(value.length, 2);
    assert.ok(has(value, lower) && has(value, digits), value);
    assert.ok(!has(value, upper) && !has(value, symbols), value);
  }
  const digitsOnly = password({ length: 12, lower: false, upper: false, symbols: false });
  assert.match(digitsOnly, /^\d{12}$/);
});

test("avoidAmbiguous leaves out look-alike characters", () => {
  const sample = Array.from({ length: 200 }, () =>
    password({ length: 64, avoidAmbiguous: true }),
  ).join("");
  assert.doesNotMatch(sample, /[lI1O0o|]/);
  assert.match(sample, /[a-z]/);
});

test("impossible requests are errors, not exceptions", () => {
  const reasonOf = (options: Parameters<typeof generatePassword>[0]) => {
    const result = generatePassword(options, random);
    return result.ok ? "accepted" : result.error.reason;
  };
  assert.equal(
    reasonOf({ lower: false, upper: false, digits: false, symbols: false }),
    "no-character-classes",
  );
  assert.equal(reasonOf({ length: 3 }), "length-below-class-count");
  assert.equal(reasonOf({ length: 1025 }), "length-out-of-range");
  assert.equal(
    reasonOf({ length: 0, lower: true, upper: false, digits: false, symbols: false }),
    "length-out-of-range",
  );
  assert.equal(reasonOf({ length: 12.5 }), "length-out-of-range");
  assert.equal(reasonOf({ length: 4 }), "accepted");
  assert.equal(reasonOf({ length: 1024 }), "accepted");
});

test("characters are plausibly uniform within each class (chi-squared, p = 0.001)", () => {
  const counts = new Map<string, number>();
  for (let i = 0; i < 4000; i++)
    for (const char of password({ length: 25 })) counts.set(char, (counts.get(char) ?? 0) + 1);
  // Critical values of chi-squared at p = 0.001 for 25, 9 and 27 degrees of freedom.
  const critical: [string, number][] = [
    [lower, 52.6],
    [upper, 52.6],
    [digits, 27.9],
    [symbols, 55.5],
  ];
  for (const [set, bound] of critical) {
    const statistic = chiSquared(set.split("").map((char) => counts.get(char) ?? 0));
    assert.ok(statistic < bound, `chi-squared ${statistic.toFixed(1)} for ${set}`);
  }
});

test("a single-class password is uniform over its characters, where no redraw can skew it", () => {
  const counts = Array.from({ length: 26 }, () => 0);
  for (let i = 0; i < 2000; i++) {
    for (const char of password({ length: 50, upper: false, digits: false, symbols: false }))
      counts[lower.indexOf(char)]! += 1;
  }
  assert.ok(chiSquared(counts) < 52.6, `chi-squared ${chiSquared(counts)}`);
});

test("a biased source would be caught by the uniformity bound (the check is not vacuous)", () => {
  // Modulo reduction of a byte onto 26 letters favours the first 22 (10 of 256 values wrap around).
  const counts = Array.from({ length: 26 }, () => 0);
  const bytes = createSeededRandomBytes("biased")(100_000);
  for (const byte of bytes) counts[byte % 26]! += 1;
  assert.ok(chiSquared(counts) > 52.6, `chi-squared ${chiSquared(counts)}`);
});

test("entropy is log2 of the number of valid passwords", () => {
  const digitsOnly = generatePassword(
    { length: 4, lower: false, upper: false, symbols: false },
    random,
  );
  assert.ok(digitsOnly.ok);
  assert.ok(Math.abs(digitsOnly.value.entropyBits - 4 * Math.log2(10)) < 1e-9);
  // Two characters from lower and digits, one of each: 2 × 26 × 10 = 520.
  const mixed = generatePassword({ length: 2, upper: false, symbols: false }, random);
  assert.ok(mixed.ok);
  assert.ok(Math.abs(mixed.value.entropyBits - Math.log2(520)) < 1e-9);
  // Inclusion-exclusion agrees with brute force on small alphabets.
  const brute = (sizes: number[], length: number) => {
    const total = sizes.reduce((a, b) => a + b, 0);
    let count = 0;
    for (let n = 0; n < total ** length; n++) {
      const seen = new Set<number>();
      for (let i = 0, rest = n; i < length; i++, rest = Math.floor(rest / total)) {
        let index = rest % total;
        let cls = 0;
        while (index >= (sizes[cls] as number)) index -= sizes[cls++] as number;
        seen.add(cls);
      }
      if (seen.size === sizes.length) count++;
    }
    return BigInt(count);
  };
  assert.equal(countValidPasswords([2, 3, 1], 4), brute([2, 3, 1], 4));
  assert.equal(countValidPasswords([3, 2], 5), brute([3, 2], 5));
  const full = generatePassword({}, random);
  assert.ok(full.ok);
  // 90 characters in all; requiring every class removes a little under a bit.
  const unconstrained = 20 * Math.log2(90);
  assert.ok(
    full.value.entropyBits < unconstrained && full.value.entropyBits > unconstrained - 1,
    String(full.value.entropyBits),
  );
  const long = generatePassword({ length: 1024 }, random);
  assert.ok(long.ok && Number.isFinite(long.value.entropyBits) && long.value.entropyBits > 6600);
});

test("the same seed gives the same password", () => {
  const a = generatePassword({}, createSeededRandomBytes("repeat"));
  const b = generatePassword({}, createSeededRandomBytes("repeat"));
  assert.deepEqual(a, b);
});

test("the word list has at least 2048 distinct lowercase words of 3 to 9 letters", () => {
  assert.ok(WORD_LIST.length >= 2048, String(WORD_LIST.length));
  assert.equal(new Set(WORD_LIST).size, WORD_LIST.length);
  for (const word of WORD_LIST) assert.match(word, /^[a-z]{3,9}$/);
});

test("a passphrase has the requested words from the list, joined by the separator", () => {
  const result = generatePassphrase({}, random);
  assert.ok(result.ok);
  const words = result.value.password.split("-");
  assert.equal(words.length, 6);
  for (const word of words) assert.ok(WORD_LIST.includes(word), word);
  assert.ok(Math.abs(result.value.entropyBits - 6 * Math.log2(WORD_LIST.length)) < 1e-9);

  const custom = generatePassphrase(
    { words: 4, separator: " ", capitalize: true, includeNumber: true },
    random,
  );
  assert.ok(custom.ok);
  const parts = custom.value.password.split(" ");
  assert.equal(parts.length, 4);
  assert.equal(parts.filter((part) => /\d$/.test(part)).length, 1);
  for (const part of parts) {
    assert.match(part, /^[A-Z][a-z]+\d?$/);
    assert.ok(WORD_LIST.includes(part.replace(/\d$/, "").toLowerCase()), part);
  }
  assert.ok(
    Math.abs(custom.value.entropyBits - (4 * Math.log2(WORD_LIST.length) + Math.log2(40))) < 1e-9,
  );
});

test("passphrase words are drawn uniformly across the list", () => {
  // Bucket word indices into 16 ranges; chi-squared at p = 0.001 with 15 degrees of freedom is 37.7.
  const bucketOf = new Map(
    WORD_LIST.map((word, i) => [word, Math.floor((i * 16) / WORD_LIST.length)]),
  );
  const counts = Array.from({ length: 16 }, () => 0);
  for (let i = 0; i < 2000; i++) {
    const result = generatePassphrase({ words: 10, separator: " " }, random);
    assert.ok(result.ok);
    for (const word of result.value.password.split(" ")) counts[bucketOf.get(word)!]! += 1;
  }
  assert.ok(chiSquared(counts) < 37.7, `chi-squared ${chiSquared(counts)}`);
});

test("passphrase options that would make words inseparable or are out of range are errors", () => {
  const reasonOf = (options: Parameters<typeof generatePassphrase>[0]) => {
    const result = generatePassphrase(options, random);
    return result.ok ? "accepted" : result.error.reason;
  };
  assert.equal(reasonOf({ words: 0 }), "words-out-of-range");
  assert.equal(reasonOf({ words: 65 }), "words-out-of-range");
  assert.equal(reasonOf({ separator: "a" }), "invalid-separator");
  assert.equal(reasonOf({ separator: "7", includeNumber: true }), "invalid-separator");
  assert.equal(reasonOf({ separator: "" }), "invalid-separator");
  assert.equal(reasonOf({ separator: "", capitalize: true }), "accepted");
});
