/** Random passwords and passphrases, drawn without bias and reported with their exact entropy. */

import { err, ok, type Result } from "@keypears/base";
import { randomIndex, type RandomBytes, systemRandomBytes } from "./random.ts";
import { WORD_LIST } from "./word-list.ts";

export interface PasswordOptions {
  /** Characters, 1 to 1024 (default 20). */
  readonly length?: number;
  readonly lower?: boolean;
  readonly upper?: boolean;
  readonly digits?: boolean;
  readonly symbols?: boolean;
  /** Leave out characters that are easy to misread: l I 1 O 0 o and |. */
  readonly avoidAmbiguous?: boolean;
}

export interface PassphraseOptions {
  /** Words, 1 to 64 (default 6). */
  readonly words?: number;
  /**
   * Between words (default "-"): no letters or digits, and empty only with `capitalize`, so the
   * words stay separable and the entropy claim holds.
   */
  readonly separator?: string;
  /** Start every word with a capital letter. */
  readonly capitalize?: boolean;
  /** Append one random digit to one random word. */
  readonly includeNumber?: boolean;
}

export interface GeneratedPassword {
  readonly password: string;
  /** log2 of the number of equally likely outputs for these options. */
  readonly entropyBits: number;
}

export interface GeneratorOptionsError {
  readonly kind: "invalid-generator-options";
  readonly reason:
    | "no-character-classes"
    | "length-out-of-range"
    | "length-below-class-count"
    | "words-out-of-range"
    | "invalid-separator";
}

export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_PASSPHRASE_WORDS = 64;

const classes = {
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  digits: "0123456789",
  symbols: "!#$%&()*+,-./:;<=>?@[]^_{|}~",
} as const;
const ambiguous = /[lI1O0o|]/g;

/** Gives up on a random source that keeps producing passwords missing a class: it is broken, not unlucky. */
const maxAttempts = 10_000;

/**
 * A password of `length` characters from the enabled classes, with at least one of each.
 *
 * It draws every character uniformly from the union of the classes and redraws the whole
 * password until each class appears. So every valid password is exactly equally likely (the
 * usual "one of each, then shuffle" is not), and the entropy is log2 of their count, by
 * inclusion-exclusion over the classes that could be missing.
 */
export const generatePassword = (
  options: PasswordOptions = {},
  random: RandomBytes = systemRandomBytes,
): Result<GeneratedPassword, GeneratorOptionsError> => {
  const length = options.length ?? 20;
  const sets = (["lower", "upper", "digits", "symbols"] as const)
    .filter((name) => options[name] ?? true)
    .map((name) =>
      options.avoidAmbiguous === true ? classes[name].replace(ambiguous, "") : classes[name],
    );
  if (sets.length === 0) return invalid("no-character-classes");
  if (!Number.isInteger(length) || length < 1 || length > MAX_PASSWORD_LENGTH) {
    return invalid("length-out-of-range");
  }
  if (length < sets.length) return invalid("length-below-class-count");

  const alphabet = sets.join("");
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const chars = Array.from(
      { length },
      () => alphabet[randomIndex(alphabet.length, random)] as string,
    );
    if (sets.every((set) => chars.some((char) => set.includes(char)))) {
      const entropyBits = log2(
        countValidPasswords(
          sets.map((set) => set.length),
          length,
        ),
      );
      return ok({ password: chars.join(""), entropyBits });
    }
  }
  throw new Error(
    `random source failed to produce a password with every class in ${maxAttempts} attempts`,
  );
};

/**
 * `words` words drawn uniformly and independently from `WORD_LIST`; entropy is
 * words × log2(list size), plus log2(10 × words) when a digit is added to a random word.
 */
export const generatePassphrase = (
  options: PassphraseOptions = {},
  random: RandomBytes = systemRandomBytes,
): Result<GeneratedPassword, GeneratorOptionsError> => {
  const count = options.words ?? 6;
  const separator = options.separator ?? "-";
  const capitalize = options.capitalize ?? false;
  if (!Number.isInteger(count) || count < 1 || count > MAX_PASSPHRASE_WORDS)
    return invalid("words-out-of-range");
  if (
    /[\p{L}\p{N}]/u.test(separator) ||
    separator.length > 8 ||
    (separator === "" && !capitalize)
  ) {
    return invalid("invalid-separator");
  }

  const words = Array.from(
    { length: count },
    () => WORD_LIST[randomIndex(WORD_LIST.length, random)] as string,
  );
  const shown = capitalize ? words.map((word) => word[0]?.toUpperCase() + word.slice(1)) : words;
  let entropyBits = count * Math.log2(WORD_LIST.length);
  if (options.includeNumber === true) {
    const at = randomIndex(count, random);
    shown[at] += String(randomIndex(10, random));
    entropyBits += Math.log2(10 * count);
  }
  return ok({ password: shown.join(separator), entropyBits });
};

const invalid = (reason: GeneratorOptionsError["reason"]): Result<never, GeneratorOptionsError> =>
  err({ kind: "invalid-generator-options", reason });

/**
 * How many strings of `length` over the union of disjoint classes contain every class: by
 * inclusion-exclusion, the sum over sets S of missing classes of (-1)^|S| (size outside S)^length.
 */
export const countValidPasswords = (classSizes: readonly number[], length: number): bigint => {
  let count = 0n;
  for (let mask = 0; mask < 1 << classSizes.length; mask++) {
    let size = 0;
    let missing = 0;
    classSizes.forEach((classSize, i) => {
      if ((mask & (1 << i)) !== 0) missing++;
      else size += classSize;
    });
    const term = BigInt(size) ** BigInt(length);
    count += missing % 2 === 0 ? term : -term;
  }
  return count;
};

/** log2 of a positive bigint too large for a double, from its top 53 bits. */
const log2 = (value: bigint): number => {
  const bits = value.toString(2).length;
  if (bits <= 53) return Math.log2(Number(value));
  return bits - 53 + Math.log2(Number(value >> BigInt(bits - 53)));
};
