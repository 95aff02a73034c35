/**
 * `node:test` for a browser test bundle (aliased in by `buildTestBundle`): `describe`, `it`,
 * `test`, `before` and `after` register; `runRegisteredTests` runs them in order, like Node's
 * runner, and returns each test's outcome. Lets one shared suite (the event-store contract) run
 * unchanged in Chromium.
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

const root: Suite = { name: "", befores: [], afters: [], tests: [] };
const suites: Suite[] = [];
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
    for (const body of suite.afters) await body();
  }
  return outcomes;
};

export default { describe, it, test, before, after };
