/**
 * A pid lockfile: PGlite has no lock between processes, and two processes writing one data
 * directory would corrupt it. Taking the lock fails, naming the holder, while a live process
 * holds it; a lock left by a process that died is taken over.
 */

import { err, ok, type Result } from "@keypears/base";
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";

export interface HeldLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  readonly release: () => void;
}

export interface LockHeld {
  readonly kind: "held";
  readonly path: string;
  readonly pid: number;
  readonly message: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

const readPid = (path: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

const tryCreate = (path: string): boolean => {
  try {
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
};

export const acquireLock = (path: string, what: string): Result<HeldLock, LockHeld> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      return ok({
        path,
        release: () => {
          if (readPid(path) === process.pid) unlinkSync(path);
        },
      });
    }
    const pid = readPid(path);
    if (pid !== undefined && (pid === process.pid || isAlive(pid))) {
      return err({
        kind: "held",
        path,
        pid,
        message:
          `${what} is in use by process ${pid} (lock file ${path}). ` +
          "Stop that server first, or choose another data directory. " +
          "If no KeyPears server runs with that pid, delete the lock file.",
      });
    }
    // Stale (its process is gone) or unreadable: move it aside atomically, then try again.
    try {
      renameSync(path, `${path}.stale-${process.pid}`);
      unlinkSync(`${path}.stale-${process.pid}`);
    } catch {
      // Another process moved it first; the next attempt sees its lock.
    }
  }
  throw new Error(`could not take the lock ${path} after three attempts`);
};
