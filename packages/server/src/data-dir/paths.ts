/** Where the embedded database lives: `$KEYPEARS_HOME/server` (KEYPEARS_HOME defaults to `~/.keypears`). */

import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const keypearsHome = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(
    env.KEYPEARS_HOME !== undefined && env.KEYPEARS_HOME !== ""
      ? env.KEYPEARS_HOME
      : join(homedir(), ".keypears"),
  );

export const defaultServerDataDir = (env: NodeJS.ProcessEnv = process.env): string =>
  join(keypearsHome(env), "server");

/** The layout inside a server data directory. */
export const dataDirLayout = (dataDir: string) => ({
  /** PGlite's files (a Postgres data directory). */
  pgdata: join(dataDir, "pgdata"),
  /** Holds the pid of the process that has the directory open. */
  lockFile: join(dataDir, "server.lock"),
});
