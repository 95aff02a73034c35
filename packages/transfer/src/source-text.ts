/** The text of an imported file: strict UTF-8, without a byte-order mark. */

export const decodeText = (bytes: Uint8Array): string | undefined => {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
};

/** JSON with a depth bound, so a deeply nested document cannot exhaust the stack. */
export const parseJson = (text: string, maxDepth: number): unknown => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  if (deepest > maxDepth) throw new Error(`nested more than ${maxDepth} levels deep`);
  return JSON.parse(text) as unknown;
};
