/**
 * `node:test` for a browser test bundle (aliased in by `buildTestBundle`): `describe`, `it`,
 * `test`, `before` and `after` register; `runRegisteredTests` runs them in order, like Node's
 * runner, and returns each test's outcome; `runTestFile` loads one test file and runs what it
 * registered, alone, as Node runs each file on its own. Lets shared suites (the event-store
 * contract, the vault's core tests) run unchanged in Chromium.
 */

type Body = () => void | Promise<void>;
interface Suite {
  readonly name: string;
  readonly befores: Body[];
  readonly afters: Body[];
  readonly tests: { readonly name: string; readonly body: Body }[];
}

export interface TestOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

const newRoot = (): Suite => ({ name: "", befores: [], afters: [], tests: [] });
let root = newRoot();
let suites: Suite[] = [];
let current = root;

export const describe = (name: string, body: () => void): void => {
  const suite: Suite = { name, befores: [], afters: [], tests: [] };
  const outer = current;
  current = suite;
  try {
    body();
  } finally {
    current = outer;
  }
  suites.push(suite);
};
/** `it(name, body)` or `it(name, options, body)`, as in node:test (options such as a timeout are ignored). */
export const it = (name: string, optionsOrBody: Body | object, maybeBody?: Body): void => {
  const body = typeof optionsOrBody === "function" ? (optionsOrBody as Body) : maybeBody;
  if (body === undefined) throw new Error(`test "${name}" has no body`);
  current.tests.push({ name, body });
};
export const test = it;
export const before = (body: Body): void => {
  current.befores.push(body);
};
export const after = (body: Body): void => {
  current.afters.push(body);
};

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);

export const runRegisteredTests = async (): Promise<readonly TestOutcome[]> => {
  const outcomes: TestOutcome[] = [];
  for (const suite of [root, ...suites]) {
    if (suite.tests.length === 0) continue;
    try {
      for (const body of suite.befores) await body();
    } catch (error) {
      outcomes.push({ name: `${suite.name}: before`, ok: false, error: describeError(error) });
      continue;
    }
    for (const { name, body } of suite.tests) {
      try {
        await body();
        outcomes.push({ name: `${suite.name}: ${name}`, ok: true });
      } catch (error) {
        outcomes.push({ name: `${suite.name}: ${name}`, ok: false, error: describeError(error) });
      }
    }
    for (const body of suite.afters) {
      try {
        await body();
      } catch (error) {
        outcomes.push({ name: `${suite.name}: after`, ok: false, error: describeError(error) });
      }
    }
  }
  return outcomes;
};

/**
 * Loads one test file (`load` imports it) and runs the tests it registered, apart from any other
 * file's: names are prefixed with `file`; a file that fails to load is one failed outcome.
 */
export const runTestFile = async (
  file: string,
  load: () => Promise<unknown>,
): Promise<readonly TestOutcome[]> => {
  root = newRoot();
  suites = [];
  current = root;
  try {
    await load();
  } catch (error) {
    return [{ name: `${file}: load`, ok: false, error: describeError(error) }];
  }
  const outcomes = await runRegisteredTests();
  return outcomes.map((outcome) => ({
    ...outcome,
    name: `${file} › ${outcome.name.replace(/^: /, "")}`,
  }));
};

export default { describe, it, test, before, after };
