/**
 * `test` and `it` with a time limit of their own, for tests that wait on a process or a socket: a
 * wait that never ends fails that test, naming it and the line that declared it, well inside the
 * runner's limit for the whole file (see scripts/run-tests.mjs), instead of holding the suite until
 * CI gives up.
 */

import { it, test, type TestContext } from "node:test";

/** Generous on purpose: these tests take seconds alone, but far longer on a loaded machine. */
export const PROCESS_TEST_TIMEOUT_MS = 300_000;

type Body = (context: TestContext) => void | Promise<void>;
type Declare = (name: string, options: { timeout: number }, fn: Body) => unknown;

/** A `test` whose every test fails after `timeoutMs`. */
export const boundedTest = (timeoutMs = PROCESS_TEST_TIMEOUT_MS) => bounded(test, timeoutMs);

/** An `it` (inside `describe`) whose every test fails after `timeoutMs`. */
export const boundedIt = (timeoutMs = PROCESS_TEST_TIMEOUT_MS) => bounded(it, timeoutMs);

const bounded =
  (declare: Declare, timeoutMs: number) =>
  (name: string, fn: Body): void => {
    // The runner reports the place that called it, here; the message names the test's own.
    const where = callerOf(new Error().stack);
    // The runner's own limit stays as a backstop, a little later than this one.
    void declare(name, { timeout: timeoutMs + 5_000 }, async (context) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`"${name}" (${where}) did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([fn(context), limit]);
      } finally {
        clearTimeout(timer);
      }
    });
  };

/** The file and line of the frame that called the returned test function. */
const callerOf = (stack: string | undefined): string => {
  const frame = stack?.split("\n")[2] ?? "";
  return frame.match(/\(?((?:file:\/\/)?\/[^()]+:\d+:\d+)\)?$/)?.[1] ?? "unknown place";
};
