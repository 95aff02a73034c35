/** The generator flags shared by `generate`, `add --generate` and `edit --generate`. */

import {
  generatePassphrase,
  generatePassword,
  type GeneratedPassword,
  MAX_PASSPHRASE_WORDS,
  MAX_PASSWORD_LENGTH,
} from "@keypears/crypto";
import { usageError } from "./cli-error.ts";
import type { OptionSpecs, OptionValues } from "./command.ts";

export const GENERATOR_OPTIONS = {
  length: {
    type: "string",
    valueName: "n",
    description: `password length, 4-${MAX_PASSWORD_LENGTH} (3-${MAX_PASSWORD_LENGTH} with --no-symbols; default 20)`,
  },
  "no-symbols": { type: "boolean", description: "letters and digits only" },
  "no-look-alikes": {
    type: "boolean",
    description:
      "leave out characters easy to misread (l I 1 O 0 o |); for a passphrase, in the separator",
  },
  passphrase: { type: "boolean", description: "random words instead of characters" },
  words: {
    type: "string",
    valueName: "n",
    description: `words in a passphrase, 1-${MAX_PASSPHRASE_WORDS} (default 6)`,
  },
  separator: {
    type: "string",
    valueName: "text",
    description: 'between passphrase words: up to 8 characters, no letters or digits (default "-")',
  },
  capitalize: { type: "boolean", description: "start each passphrase word with a capital" },
  number: { type: "boolean", description: "add a random digit to one passphrase word" },
} as const satisfies OptionSpecs;

const LOOK_ALIKES = /[lI1O0o|]/;

export interface Generated extends GeneratedPassword {
  readonly kind: "password" | "passphrase";
  /** "20-character password", "6-word passphrase". */
  readonly description: string;
}

export const parseCount = (text: string, flag: string, command: string): number => {
  if (!/^\d+$/.test(text))
    throw usageError(`${flag} expects a whole number, got "${text}"`, command);
  return Number(text);
};

export const generateSecret = (
  values: OptionValues<typeof GENERATOR_OPTIONS>,
  command: string,
): Generated => {
  if (values.passphrase === true) {
    if (values.length !== undefined || values["no-symbols"] === true)
      throw usageError("--length and --no-symbols apply to passwords, not --passphrase", command);
    const words = values.words === undefined ? 6 : parseCount(values.words, "--words", command);
    const separator = values.separator ?? "-";
    if (values["no-look-alikes"] === true && LOOK_ALIKES.test(separator))
      throw usageError(`--separator "${separator}" is a look-alike character`, command);
    const generated = generatePassphrase({
      words,
      separator,
      capitalize: values.capitalize === true,
      includeNumber: values.number === true,
    });
    if (!generated.ok)
      throw usageError(
        generated.error.reason === "invalid-separator"
          ? "--separator must be up to 8 characters with no letters or digits (empty only with --capitalize)"
          : `--words must be from 1 to ${MAX_PASSPHRASE_WORDS}`,
        command,
      );
    return { ...generated.value, kind: "passphrase", description: `${words}-word passphrase` };
  }
  if (values.words !== undefined) throw usageError("--words applies with --passphrase", command);
  for (const flag of ["separator", "capitalize", "number"] as const)
    if (values[flag] !== undefined)
      throw usageError(`--${flag} applies with --passphrase`, command);
  const length = values.length === undefined ? 20 : parseCount(values.length, "--length", command);
  const symbols = values["no-symbols"] !== true;
  const generated = generatePassword({
    length,
    symbols,
    avoidAmbiguous: values["no-look-alikes"] === true,
  });
  if (!generated.ok) {
    const reason =
      generated.error.reason === "length-below-class-count"
        ? `--length must be at least ${symbols ? 4 : 3} to hold every kind of character`
        : `--length must be from 1 to ${MAX_PASSWORD_LENGTH}`;
    throw usageError(reason, command);
  }
  return { ...generated.value, kind: "password", description: `${length}-character password` };
};

/** Whether any generator flag was given (they need --generate on add and edit). */
export const usesGeneratorFlags = (values: OptionValues<typeof GENERATOR_OPTIONS>): boolean =>
  values.length !== undefined ||
  values.words !== undefined ||
  values.passphrase === true ||
  values["no-symbols"] === true ||
  values["no-look-alikes"] === true ||
  values.separator !== undefined ||
  values.capitalize === true ||
  values.number === true;
