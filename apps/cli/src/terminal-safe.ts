/**
 * Text from others made safe to print: item fields, device names and server messages can hold
 * terminal escapes (`ESC ] 52` writes the clipboard on some terminals, `ESC [ 2 J` clears the
 * screen) and bidirectional overrides that make a line read differently from what it is. Every
 * printer passes its text through `terminalSafe`; what it escapes stays visible as `\x1b`,
 * `\u202e` and so on.
 */

const BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069";
// C0 controls but tab and newline, DEL, C1 controls (U+009B is CSI on 8-bit terminals), bidi.
const UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI}]`, "gu");

/**
 * The styles this CLI paints with itself (output.ts): bold, dim, red, green, yellow and their
 * resets. With `allowStyles`, exactly these pass; any other escape is shown, not obeyed.
 */
const OWN_STYLE = new RegExp(`${String.fromCharCode(27)}\\[(?:1|2|22|31|32|33|39)m`, "gu");

const escapeChar = (char: string): string => {
  const code = char.codePointAt(0) as number;
  if (char === "\r") return "\\r";
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
};

/** `text` with every control character but tab and newline, and every bidi control, escaped. */
export const terminalSafe = (text: string, options: { readonly allowStyles?: boolean } = {}) => {
  if (options.allowStyles !== true) return text.replace(UNSAFE, escapeChar);
  // Split around this CLI's own style codes and escape only the text between them.
  let safe = "";
  let from = 0;
  for (const match of text.matchAll(OWN_STYLE)) {
    safe += text.slice(from, match.index).replace(UNSAFE, escapeChar) + match[0];
    from = match.index + match[0].length;
  }
  return safe + text.slice(from).replace(UNSAFE, escapeChar);
};

/**
 * A JSON document with the characters JSON.stringify leaves raw but a terminal obeys (C1
 * controls, bidi controls) written as `\uXXXX` escapes: the same data, safe to print.
 */
export const terminalSafeJson = (json: string): string =>
  json.replace(
    new RegExp(`[\\u007f-\\u009f${BIDI}]`, "gu"),
    (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, "0")}`,
  );
