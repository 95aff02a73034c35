/**
 * The part of `node:assert/strict` the shared suites use, for a browser test bundle: `ok`,
 * `equal` (Object.is), `notEqual`, `deepEqual` (strict: same prototypes, own keys and values,
 * bytes compared byte by byte, Sets by members and Maps by key) and `rejects`. Each failure throws with both values shown.
 */

class AssertionError extends Error {
  override name = "AssertionError";
}

const show = (value: unknown): string => {
  try {
    return JSON.stringify(value, (_, v: unknown) =>
      v instanceof Uint8Array
        ? `bytes(${Array.from(v).join(",")})`
        : typeof v === "bigint"
          ? `${v}n`
          : v,
    );
  } catch {
    return String(value);
  }
};

const fail = (message: string | undefined, detail: string): never => {
  throw new AssertionError(message === undefined ? detail : `${message}: ${detail}`);
};

const deepStrictEqual = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((byte, i) => byte === y[i]);
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    const rest = [...b];
    // As node:assert: each member of one set has a deeply equal member in the other.
    return [...a].every((member) => {
      const at = rest.findIndex((other) => deepStrictEqual(member, other));
      if (at === -1) return false;
      rest.splice(at, 1);
      return true;
    });
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    return [...a].every(([key, value]) => b.has(key) && deepStrictEqual(value, b.get(key)));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(b, key) &&
      deepStrictEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
};

export const ok = (value: unknown, message?: string): void => {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
};
export const equal = (actual: unknown, expected: unknown, message?: string): void => {
  if (!Object.is(actual, expected)) fail(message, `${show(actual)} !== ${show(expected)}`);
};
export const notEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (Object.is(actual, expected)) fail(message, `both are ${show(actual)}`);
};
export const deepEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (!deepStrictEqual(actual, expected))
    fail(message, `${show(actual)} is not deeply equal to ${show(expected)}`);
};
export const rejects = async (
  promise: Promise<unknown> | (() => Promise<unknown>),
  expected?: string | RegExp | (new (...args: never[]) => unknown),
): Promise<void> => {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (
      expected instanceof RegExp &&
      !expected.test(error instanceof Error ? error.message : String(error))
    )
      fail(undefined, `rejected with ${String(error)}, which does not match ${String(expected)}`);
    if (typeof expected === "function" && !(error instanceof expected))
      fail(undefined, `rejected with ${String(error)}, not an instance of ${expected.name}`);
    return;
  }
  fail(typeof expected === "string" ? expected : undefined, "expected a rejection");
};

export const notDeepEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (deepStrictEqual(actual, expected)) fail(message, `both are ${show(actual)}`);
};
export const match = (text: string, pattern: RegExp, message?: string): void => {
  if (!pattern.test(text)) fail(message, `${show(text)} does not match ${String(pattern)}`);
};
export const doesNotMatch = (text: string, pattern: RegExp, message?: string): void => {
  if (pattern.test(text)) fail(message, `${show(text)} matches ${String(pattern)}`);
};

type Expected = RegExp | (new (...args: never[]) => unknown) | ((error: unknown) => boolean);

/** Checks a thrown error against a RegExp (its message), an error class, or a validator function. */
const checkThrown = (error: unknown, expected: Expected | string | undefined): void => {
  if (expected === undefined || typeof expected === "string") return;
  if (expected instanceof RegExp) {
    const text = error instanceof Error ? error.message : String(error);
    if (!expected.test(text))
      fail(undefined, `threw ${show(text)}, which does not match ${String(expected)}`);
    return;
  }
  if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) return;
  if (expected.prototype !== undefined && expected.prototype instanceof Error)
    fail(undefined, `threw ${String(error)}, not an instance of ${expected.name}`);
  if ((expected as (error: unknown) => boolean)(error) !== true)
    fail(undefined, `threw ${String(error)}, which the validator refused`);
};

export const throws = (fn: () => unknown, expected?: Expected | string, message?: string): void => {
  try {
    fn();
  } catch (error) {
    checkThrown(error, expected);
    return;
  }
  fail(typeof expected === "string" ? expected : message, "expected the function to throw");
};
export const doesNotThrow = (fn: () => unknown, message?: string): void => {
  try {
    fn();
  } catch (error) {
    fail(message, `threw ${String(error)}`);
  }
};

export default {
  ok,
  equal,
  notEqual,
  deepEqual,
  notDeepEqual,
  match,
  doesNotMatch,
  throws,
  doesNotThrow,
  rejects,
};
