/** The password generator: characters (length, classes) or a passphrase (words), from the crypto package. */

import { useState } from "preact/hooks";
import { generatePassphrase, generatePassword } from "@keypears/crypto";
import { CheckboxRow } from "./form-controls.tsx";

export const Generator = ({ onUse }: { readonly onUse?: (secret: string) => void }) => {
  const [passphrase, setPassphrase] = useState(false);
  const [length, setLength] = useState(20);
  const [words, setWords] = useState(6);
  const [symbols, setSymbols] = useState(true);
  const [digits, setDigits] = useState(true);
  const [result, setResult] = useState<{ secret: string; bits: number } | string>("");
  const generate = (): void => {
    const made = passphrase
      ? generatePassphrase({ words })
      : generatePassword({ length, symbols, digits });
    setResult(
      made.ok
        ? { secret: made.value.password, bits: Math.floor(made.value.entropyBits) }
        : `These settings cannot make a password (${made.error.reason}); change them.`,
    );
  };
  return (
    <fieldset class="generator">
      <legend>Password generator</legend>
      <CheckboxRow checked={passphrase} onChecked={setPassphrase}>
        Passphrase (random words)
      </CheckboxRow>
      {passphrase ? (
        <label>
          Words
          <input
            type="number"
            min={1}
            max={64}
            value={words}
            onInput={(e) => setWords(Number(e.currentTarget.value))}
          />
        </label>
      ) : (
        <>
          <label>
            Length
            <input
              type="number"
              min={1}
              max={1024}
              value={length}
              onInput={(e) => setLength(Number(e.currentTarget.value))}
            />
          </label>
          <CheckboxRow checked={digits} onChecked={setDigits}>
            Digits
          </CheckboxRow>
          <CheckboxRow checked={symbols} onChecked={setSymbols}>
            Symbols
          </CheckboxRow>
        </>
      )}
      <div class="actions">
        <button type="button" onClick={generate}>
          Generate
        </button>
        {typeof result === "object" && onUse !== undefined && (
          <button type="button" onClick={() => onUse(result.secret)}>
            Use this password
          </button>
        )}
      </div>
      {typeof result === "string" ? (
        result !== "" && (
          <p class="error" role="alert">
            {result}
          </p>
        )
      ) : (
        <p>
          <span class="value generated" aria-label="Generated password">
            {result.secret}
          </span>{" "}
          <span class="hint">({result.bits} bits)</span>
        </p>
      )}
    </fieldset>
  );
};
