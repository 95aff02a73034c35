/** Copies a value to the clipboard and clears it after 30 s if it still holds that value. */

export const CLEAR_AFTER_MS = 30_000;

export const copyAndClear = async (value: string): Promise<void> => {
  await navigator.clipboard.writeText(value);
  setTimeout(() => {
    void navigator.clipboard
      .readText()
      .then((current) => (current === value ? navigator.clipboard.writeText("") : undefined))
      // Without permission to read, clear anyway: a secret must not stay.
      .catch(() => navigator.clipboard.writeText("").catch(() => undefined));
  }, CLEAR_AFTER_MS);
};
