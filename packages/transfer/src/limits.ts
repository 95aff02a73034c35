/**
 * Bounds on hostile input: every file is read whole, so its size, the size it inflates to, and its
 * columns and items are capped before any of it is kept. A real export of 50,000 items fits well
 * inside each bound.
 */

/** The largest file accepted (checked before it is read). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;
/** The most a zip entry may inflate to; a zip bomb stops here. */
export const MAX_INFLATED_BYTES = 128 * 1024 * 1024;
/** Columns in a CSV file; real exports have at most a few dozen. */
export const MAX_COLUMNS = 256;
/** Items in one import. */
export const MAX_ITEMS = 200_000;
/** A field's text, as the vault accepts it. */
export const MAX_TEXT = 64 * 1024;
/** Nesting of JSON in the files we read (documents nest about six deep). */
export const MAX_JSON_DEPTH = 64;
