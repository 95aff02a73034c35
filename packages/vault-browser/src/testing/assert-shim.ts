/**
 * The part of `node:assert/strict` the shared suites use, for a browser test bundle: `ok`,
 * `equal` (Object.is), `notEqual`, `deepEqual` (strict: same prototypes, own keys and values,
 * bytes compared byte by byte) and `rejects`. Each failure throws with both values shown.
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
  if (a instanceof Map || a instanceof Set) throw new Error("assert shim: Map/Set not supported");
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

export default { ok, equal, notEqual, deepEqual, rejects };
