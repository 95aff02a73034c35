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
  // Jumps from one structural character to the next (native regex search), skipping string contents.
  const structural = /["\\[\]{}]/g;
  let depth = 0;
  let inString = false;
  for (let match = structural.exec(text); match !== null; match = structural.exec(text)) {
    const c = match[0];
    if (inString) {
      if (c === "\\") structural.lastIndex++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (++depth > maxDepth) throw new Error(`nested more than ${maxDepth} levels deep`);
    } else if (c === "}" || c === "]") depth--;
  }
  return JSON.parse(text) as unknown;
};
