/**
 * Runs CLI commands in the test's own process (`main` with an in-memory io), each home a device:
 * faster than spawning the built CLI, for tests that run many commands against a real server.
 */

import assert from "node:assert/strict";
import { main } from "../main.ts";
import { createMemoryIo } from "./memory-io.ts";
import { type CliResult, PASSWORD, shownCommand, type TempHome } from "./run-cli.ts";

export interface InProcessCli {
  readonly run: (
    home: TempHome,
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ) => Promise<CliResult>;
  /** `run`, failing the test (with the command, secrets masked, and stderr) unless it exits 0. */
  readonly ok: (
    home: TempHome,
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ) => Promise<CliResult>;
  /** `ok` with `--json`, its stdout parsed. */
  readonly json: <T>(home: TempHome, args: readonly string[]) => Promise<T>;
}

/**
 * Every command gets KEYPEARS_HOME, KEYPEARS_PASSWORD (PASSWORD) and KEYPEARS_SECRET_KEY
 * (`secretKey()`, read at each run: the test learns it from `init`), then `env`.
 */
export const inProcessCli = (secretKey: () => string): InProcessCli => {
  const run: InProcessCli["run"] = async (home, args, env = {}) => {
    const io = createMemoryIo({
      env: {
        KEYPEARS_HOME: home.path,
        KEYPEARS_PASSWORD: PASSWORD,
        KEYPEARS_SECRET_KEY: secretKey(),
        ...env,
      },
    });
    const code = await main(args, { io });
    return { code, stdout: io.out(), stderr: io.err() };
  };
  const ok: InProcessCli["ok"] = async (home, args, env) => {
    const result = await run(home, args, env);
    assert.equal(result.code, 0, `${shownCommand(args)}: ${result.stderr}`);
    return result;
  };
  const json = async <T>(home: TempHome, args: readonly string[]): Promise<T> =>
    JSON.parse((await ok(home, [...args, "--json"])).stdout) as T;
  return { run, ok, json };
};
