/** The text of an imported file: strict UTF-8, without a byte-order mark. */

export const decodeText = (bytes: Uint8Array): string | undefined => {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
};

/** JSON with a depth bound, checked first: deep nesting makes JSON.parse slow and any walk of it overflow the stack. */
export const parseJson = (text: string, maxDepth: number): unknown => {
  // One pass over the character codes; inside a string only a backslash or the closing quote counts.
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) throw new Error(`nested more than ${maxDepth} levels deep`);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return JSON.parse(text) as unknown;
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
