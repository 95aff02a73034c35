/**
 * The filtered dictionary matcher against zxcvbn-ts's own, on the same factory: every estimate
 * (score, guesses, match sequence, feedback) is the same for random passwords, passwords built
 * from dictionary words, l33t and reversed words, user inputs, and `Object.prototype`'s names.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import fc from "fast-check";
import { useFastDictionaryMatch } from "./fast-dictionary-match.ts";

const factory = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
  l33tMaxSubstitutions: 1,
});

const estimate = (fast: boolean, password: string, inputs: string[]) => {
  useFastDictionaryMatch(factory, fast);
  const { calcTime: _, ...result } = factory.check(password, inputs);
  return result;
};

const WORDS = [
  "password",
  "dragon",
  "Monkey",
  "qwerty",
  "letmein",
  "sunshine",
  "john",
  "smith",
  "constructor",
  "__proto__",
  "toString",
  "correct",
  "horse",
  "battery",
  "staple",
  "2024",
  "1987",
];
const L33T: Record<string, string> = { a: "@", e: "3", i: "1", o: "0", s: "$" };

const password = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join("")),
  fc
    .tuple(fc.constantFrom(...WORDS), fc.boolean(), fc.integer({ min: 0, max: 999 }))
    .map(
      ([word, leet, n]) =>
        `${leet ? word.replace(/[aeios]/g, (c) => L33T[c] ?? c) : word.split("").reverse().join("")}${n}`,
    ),
);

test("estimates with the filtered dictionary matcher equal zxcvbn-ts's own", () => {
  const seed = Date.now();
  console.log(`fast-check seed: ${seed}`);
  fc.assert(
    fc.property(
      password,
      fc.array(fc.constantFrom("alice", "example", "dragon"), { maxLength: 2 }),
      (pw, inputs) => {
        assert.deepEqual(estimate(true, pw, inputs), estimate(false, pw, inputs), pw);
      },
    ),
    { seed, numRuns: 300 },
  );
  for (const pw of ["constructor", "__proto__", "P@ssw0rd", "drowssap", "alice1987", "", "a"])
    assert.deepEqual(estimate(true, pw, ["alice"]), estimate(false, pw, ["alice"]), pw);
  useFastDictionaryMatch(factory, true);
});
