/**
 * Where a KeyPears home's agent listens: a Unix socket and its token in a directory only this
 * user may enter (0700), under `$XDG_RUNTIME_DIR/keypears/<hash of the home>` when that is set,
 * else `<home>/agent`. One agent per home.
 */

import { createHash } from "node:crypto";
import { lstatSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

export interface AgentPaths {
  readonly dir: string;
  readonly socket: string;
  readonly token: string;
}

export const agentPaths = (home: string, env: NodeJS.ProcessEnv): AgentPaths => {
  const runtime = env["XDG_RUNTIME_DIR"];
  const dir =
    runtime !== undefined && runtime !== ""
      ? join(
          runtime,
          "keypears",
          createHash("sha256").update(resolve(home)).digest("hex").slice(0, 16),
        )
      : join(home, "agent");
  return { dir, socket: join(dir, "agent.sock"), token: join(dir, "agent.token") };
};

/** This process's user id (Unix); `undefined` where there is none (Windows). */
export const currentUid = (): number | undefined => process.getuid?.();

/**
 * Whether `dir` is a real directory (not a link) owned by this user that no one else may enter.
 * The socket and token inside are trusted only then.
 */
export const isPrivateDir = (dir: string): boolean => {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === currentUid() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
};

/** Creates the agent's directory (and its parents) as 0700; fails if it exists and is not private. */
export const ensurePrivateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isPrivateDir(dir))
    throw new Error(
      `${dir} is not a private directory of this user (it must be owned by you, mode 0700)`,
    );
};

/** Whether `path` is a socket owned by this user: a client never talks to someone else's. */
export const isOwnSocket = (path: string): boolean => {
  try {
    const stat = lstatSync(path);
    return stat.isSocket() && stat.uid === currentUid();
  } catch {
    return false;
  }
};
