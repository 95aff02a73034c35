/** Throwaway directories for a benchmark's files, removed afterwards whatever happens. */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const makeTempDir = (prefix: string): string =>
  mkdtempSync(join(tmpdir(), `keypears-bench-${prefix}-`));

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export const withTempDir = async <T>(
  prefix: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> => {
  const dir = makeTempDir(prefix);
  try {
    return await fn(dir);
  } finally {
    removeDir(dir);
  }
};

const removeAtExit = new Set<string>();

/** A directory that lives as long as this process (shared fixtures), removed when it exits. */
export const makeProcessTempDir = (prefix: string): string => {
  const dir = makeTempDir(prefix);
  if (removeAtExit.size === 0) {
    process.once("exit", () => {
      for (const path of removeAtExit) removeDir(path);
    });
  }
  removeAtExit.add(dir);
  return dir;
};
