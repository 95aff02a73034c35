/**
 * How guessable a password is: zxcvbn-ts with its common and English dictionaries, reduced to a
 * score, a guessing time and the reasons a person can act on. One estimator serves the health
 * report and the master-password meters of the CLI and the web app.
 *
 * Why zxcvbn: it estimates the guesses an attacker who tries common passwords, words, names,
 * keyboard walks, repeats, sequences and dates first would need, instead of counting character
 * classes ("P@ssw0rd1" has all four and falls in under a second).
 *
 * Cost: building the dictionaries takes a few hundred milliseconds, so the default estimator is
 * built on first use and kept. An estimate walks every substring through about twenty dictionaries,
 * again reversed and again for each l33t variant (symbols read as letters): a few milliseconds for
 * a random 20-character password on a quiet core. The l33t variants are capped at 1 (zxcvbn-ts
 * tries up to 100, which cost hundreds of milliseconds on such a password); the one variant with
 * every symbol read as a letter still finds P@$$w0rd, m0nk3y$, 5up3rm4n and l3tm31n, and the cap
 * makes an estimate about twice as fast as 4 variants (measured in `bench/health`). The dictionary
 * matcher is filtered by one set of every dictionary word first (`fast-dictionary-match.ts`: the
 * same results, about 2.8 times less CPU per generated password), and the report keeps verdicts by
 * password write (`strength-cache.ts`).
 */

import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import { useFastDictionaryMatch } from "./fast-dictionary-match.ts";

/** 0 (guessed at once) to 4 (very unguessable), as zxcvbn scores: weak below 3. */
export type StrengthScore = 0 | 1 | 2 | 3 | 4;

/** What makes a password guessable, in words a person can act on. */
export type StrengthReason =
  | "common-password"
  | "dictionary-word"
  | "name"
  | "keyboard-pattern"
  | "repeat"
  | "sequence"
  | "date"
  | "too-short";

export interface Strength {
  readonly score: StrengthScore;
  /** log10 of the estimated number of guesses. */
  readonly guessesLog10: number;
  /** Time to guess it offline against a slow hash (10,000 guesses a second), as zxcvbn assumes for a stolen database. */
  readonly crackSeconds: number;
  /** The same, for people: "3 hours", "centuries". */
  readonly crackTime: string;
  readonly reasons: readonly StrengthReason[];
  /** zxcvbn's warning, if any ("This is a heavily used password."). */
  readonly warning: string | null;
  readonly suggestions: readonly string[];
}

/** Scores below this are reported as weak. */
export const STRONG_SCORE: StrengthScore = 3;

export const isWeak = (strength: Strength): boolean => strength.score < STRONG_SCORE;

export interface StrengthEstimator {
  /** `userInputs` are words the password should not be built from (the site, the user name). */
  readonly estimate: (password: string, userInputs?: readonly string[]) => Strength;
}

/** Below this many characters a password is called too short, whatever else it is. */
const SHORT = 8;
const L33T_VARIANTS = 1;

/**
 * What a verdict depends on besides the password: the estimator's packages and settings. Verdicts
 * kept from an earlier run (`sealed-strength-cache.ts`) count only under the same model, so an
 * upgrade of zxcvbn-ts or a change here re-estimates every password once. A test checks the
 * package versions against node_modules.
 */
export const STRENGTH_MODEL = `@zxcvbn-ts/core@4.2.0 @zxcvbn-ts/language-common@4.1.3 @zxcvbn-ts/language-en@4.1.1 l33t=${L33T_VARIANTS} short=${SHORT}`;

export const createStrengthEstimator = (): StrengthEstimator => {
  const factory = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    l33tMaxSubstitutions: L33T_VARIANTS,
  });
  useFastDictionaryMatch(factory);
  return {
    estimate: (password, userInputs = []) => {
      const result = factory.check(password, [...userInputs]);
      const reasons = new Set<StrengthReason>();
      for (const match of result.sequence) {
        const reason = reasonOf(match.pattern, match["dictionaryName"]);
        if (reason !== undefined) reasons.add(reason);
      }
      if (characterCount(password) < SHORT) reasons.add("too-short");
      const crack = result.crackTimes.offlineSlowHashingXPerSecond;
      return {
        score: result.score as StrengthScore,
        guessesLog10: result.guessesLog10,
        crackSeconds: crack.seconds,
        crackTime: crack.display,
        reasons: [...reasons],
        warning: result.feedback.warning,
        suggestions: result.feedback.suggestions,
      };
    },
  };
};

const reasonOf = (pattern: string, dictionaryName: unknown): StrengthReason | undefined => {
  switch (pattern) {
    case "dictionary": {
      const name = typeof dictionaryName === "string" ? dictionaryName : "";
      if (name.startsWith("passwords")) return "common-password";
      if (name.startsWith("firstnames") || name.startsWith("lastnames")) return "name";
      return "dictionary-word";
    }
    case "wordSequence":
      return "dictionary-word";
    case "spatial":
      return "keyboard-pattern";
    case "repeat":
      return "repeat";
    case "sequence":
      return "sequence";
    case "date":
    case "regex":
      return "date";
    default:
      return undefined;
  }
};

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
/** Characters as a person counts them (an emoji is one); only short texts are counted. */
const characterCount = (text: string): number => {
  if (text.length >= SHORT * 4) return text.length;
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
};

let shared: StrengthEstimator | undefined;

/** The strength of one password, from an estimator built on first use and kept (for meters). */
export const estimateStrength = (password: string, userInputs?: readonly string[]): Strength => {
  shared ??= createStrengthEstimator();
  return shared.estimate(password, userInputs);
};
