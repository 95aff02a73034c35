/**
 * The depth bound of `parseJson`: it counts brackets outside strings only (escaped quotes and
 * brackets inside strings do not count), so a file is refused exactly when it nests deeper than
 * the bound. Checked against the depth of the parsed value over random JSON (fast-check prints
 * the seed on failure).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseJson } from "./source-text.ts";

/** Nesting depth of a parsed value: a scalar is 0, each array or object adds one. */
const depthOf = (value: unknown): number => {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === "object" && value !== null)
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
};

const refuses = (text: string, maxDepth: number): boolean => {
  try {
    parseJson(text, maxDepth);
    return false;
  } catch (error) {
    assert.match((error as Error).message, /nested more than \d+ levels deep/);
    return true;
  }
};

test("brackets, quotes and backslashes inside strings do not count toward the depth", () => {
  const text = JSON.stringify({ a: ['[[[{{{"\\', "]]]}}}", '"[', "\\\\[{"], b: "\\" });
  assert.equal(refuses(text, 2), false);
  assert.equal(refuses(text, 1), true);
  assert.deepEqual(parseJson(text, 2), JSON.parse(text));
});

test("a file is refused exactly when it nests deeper than the bound", () => {
  fc.assert(
    fc.property(
      fc.jsonValue({ depthSize: "large", maxDepth: 12 }),
      fc.integer({ min: 0, max: 14 }),
      (value, maxDepth) => {
        const text = JSON.stringify(value);
        assert.equal(refuses(text, maxDepth), depthOf(value) > maxDepth);
      },
    ),
    { numRuns: 500 },
  );
});
