/**
 * zxcvbn-ts's dictionary matcher with one lookup per substring instead of one per dictionary:
 * the same method (`MatchDictionary.prototype.match`, zxcvbn-ts 4.2, MIT), with a filter in front
 * of its inner loop that skips a substring found in no dictionary at all (one `Set` of every word of
 * every configured dictionary) before it is looked up in each of the twenty-odd dictionaries.
 *
 * Why: the matcher is three quarters of an estimate (every substring of the password, again
 * reversed and for its l33t variant, looked up in each dictionary), and almost every substring of
 * a generated password is in none. The results are the same, in the same order: a substring the
 * filter lets through runs the original loop; the filter lets through every word of the configured
 * dictionaries, every word of the user-input dictionary (looked up directly, as it changes per
 * call) and the names of `Object.prototype`'s properties (the dictionaries are plain objects, so
 * the original finds "constructor" in each); with Levenshtein matching on (not used here), the
 * original runs instead.
 * `fast-dictionary-match.test.ts` holds the two to each other on random and human passwords.
 */

interface DictionaryOptions {
  readonly rankedDictionaries: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly rankedDictionariesMaxWordSize: Readonly<Record<string, number>>;
  readonly useLevenshteinDistance: boolean;
}

export interface DictionaryMatcher {
  readonly options: DictionaryOptions;
  readonly getRangedDictionaries: (userInputsOptions: unknown) => {
    readonly rankedDictionaries: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly rankedDictionariesMaxWordSize: Readonly<Record<string, number>>;
  };
}

export interface MatchInput {
  readonly password: string;
  readonly userInputsOptions?: unknown;
  readonly useLevenshtein?: boolean;
}

export type MatchMethod = (this: DictionaryMatcher, input: MatchInput) => unknown[];

/** The words of every dictionary in `dictionaries`, by the dictionaries object (built once per estimator). */
const wordsByDictionaries = new WeakMap<object, ReadonlySet<string>>();
const wordsOf = (dictionaries: DictionaryOptions["rankedDictionaries"]): ReadonlySet<string> => {
  let words = wordsByDictionaries.get(dictionaries);
  if (words === undefined) {
    const all = new Set<string>();
    for (const dictionary of Object.values(dictionaries))
      for (const word of Object.keys(dictionary)) all.add(word);
    words = all;
    wordsByDictionaries.set(dictionaries, words);
  }
  return words;
};

/** The filtered method; with Levenshtein matching on (not used here) it hands over to `original`. */
export const fastDictionaryMatch = (original: MatchMethod): MatchMethod =>
  function match(this: DictionaryMatcher, input: MatchInput) {
    const { password, userInputsOptions, useLevenshtein = true } = input;
    if (this.options.useLevenshteinDistance && useLevenshtein) return original.call(this, input);
    const matches: unknown[] = [];
    const passwordLength = password.length;
    const passwordLower = password.toLowerCase();
    const { rankedDictionaries, rankedDictionariesMaxWordSize } =
      this.getRangedDictionaries(userInputsOptions);
    const dictionaryNames = Object.keys(rankedDictionaries);
    const maxSearchWidth = Math.max(0, ...Object.values(rankedDictionariesMaxWordSize));
    const configured = this.options.rankedDictionaries;
    const known = wordsOf(configured);
    // Dictionaries not among the configured ones (the user inputs): looked up directly.
    const others = dictionaryNames
      .filter((name) => rankedDictionaries[name] !== configured[name])
      .map((name) => rankedDictionaries[name] as Readonly<Record<string, number>>);
    for (let i = 0; i < passwordLength; i += 1) {
      for (let j = i; j < passwordLength; j += 1) {
        const isFullPassword = i === 0 && j === passwordLength - 1;
        if (j - i + 1 > maxSearchWidth && !isFullPassword) break;
        const usedPassword = passwordLower.slice(i, j + 1);
        if (
          !known.has(usedPassword) &&
          !(usedPassword in Object.prototype) &&
          !others.some((dictionary) => dictionary[usedPassword] !== undefined)
        )
          continue;
        // From here on, the original loop, unchanged.
        for (const dictionaryName of dictionaryNames) {
          const rankedDict = rankedDictionaries[dictionaryName] as Readonly<Record<string, number>>;
          if (
            j - i + 1 > (rankedDictionariesMaxWordSize[dictionaryName] as number) &&
            !isFullPassword
          )
            continue;
          const rank = rankedDict[usedPassword];
          if (rank !== undefined)
            matches.push({
              pattern: "dictionary",
              i,
              j,
              token: password.slice(i, j + 1),
              matchedWord: usedPassword,
              rank,
              dictionaryName,
              reversed: false,
              l33t: false,
            });
        }
      }
    }
    return matches;
  };

interface PatchedPrototype {
  match: MatchMethod;
}
const originals = new WeakMap<object, MatchMethod>();

/** The prototype zxcvbn's dictionary matchers share, or undefined if this zxcvbn-ts is shaped otherwise. */
const dictionaryPrototype = (factory: object): PatchedPrototype | undefined => {
  const matchers = (factory as { matching?: { matchers?: Record<string, unknown> } }).matching
    ?.matchers;
  const dictionary = matchers?.["dictionary"];
  if (typeof dictionary !== "object" || dictionary === null) return undefined;
  const prototype = Object.getPrototypeOf(dictionary) as Partial<PatchedPrototype> | null;
  return typeof prototype?.match === "function" ? (prototype as PatchedPrototype) : undefined;
};

/**
 * Puts the filtered method on the dictionary matchers' prototype (the reversed, l33t and
 * word-sequence matchers call it too); once per prototype. A zxcvbn-ts of another shape is left
 * as it is (slower, never wrong).
 */
export const useFastDictionaryMatch = (factory: object, fast = true): void => {
  const prototype = dictionaryPrototype(factory);
  if (prototype === undefined) return;
  let original = originals.get(prototype);
  if (original === undefined) {
    original = prototype.match;
    originals.set(prototype, original);
  }
  prototype.match = fast ? fastDictionaryMatch(original) : original;
};
