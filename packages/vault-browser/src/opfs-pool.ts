/**
 * Opens the origin's SAH pool in OPFS for the owning worker. While a previous owner's worker is
 * still closing, its access handles are not yet free: the pool is retried, never wiped (SQLite's
 * default on a failed start is to delete the pool; `preserveOnInitFailure` turns that off) and
 * never replaced by an in-memory database (what was written there would vanish).
 */

import type { AccountStorage } from "@keypears/vault/core";
import { createOpfsStorage } from "./opfs-storage.ts";

const POOL_NAME = "keypears";
/** Each vault file needs a slot, and one for its journal while a transaction runs. */
const CAPACITY = 16;

export interface OpenPoolOptions {
  /** How long to wait for a previous owner's handles. */
  readonly timeoutMs?: number;
}

export const openOpfsPool = async (
  options: OpenPoolOptions = {},
): Promise<{ storage: AccountStorage; close: () => void }> => {
  watchQuota();
  // Its own chunk, loaded when the worker opens the database (the page's first load stays small).
  const { default: sqlite3InitModule } = await import("@sqlite.org/sqlite-wasm");
  const sqlite3 = await sqlite3InitModule();
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const pool = await sqlite3.installOpfsSAHPoolVfs({
        name: POOL_NAME,
        initialCapacity: CAPACITY,
        preserveOnInitFailure: true,
        ...(attempt > 0 ? { forceReinitIfPreviouslyFailed: true } : {}),
      });
      await pool.reserveMinimumCapacity(CAPACITY);
      return { storage: createOpfsStorage(sqlite3, pool), close: () => pool.pauseVfs() };
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
  }
  throw new Error(
    `the vault storage (OPFS) did not open: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
};

/**
 * Whether an OPFS write was refused for quota since the last call. The SAH-pool VFS turns a
 * QuotaExceededError into SQLITE_IOERR (and SQLite's rollback may then hide even that), so the
 * worker watches the access handles' writes itself: `watchQuota()` wraps `write` and `truncate`
 * of `FileSystemSyncAccessHandle` once, in this worker only.
 */
let quotaExceeded = false;
export const takeQuotaExceeded = (): boolean => {
  const seen = quotaExceeded;
  quotaExceeded = false;
  return seen;
};

export const watchQuota = (): void => {
  const handle = (
    globalThis as unknown as {
      FileSystemSyncAccessHandle?: {
        prototype: Record<string, unknown> & { __keypearsQuota?: true };
      };
    }
  ).FileSystemSyncAccessHandle;
  if (handle === undefined || handle.prototype.__keypearsQuota === true) return;
  handle.prototype.__keypearsQuota = true;
  for (const name of ["write", "truncate"]) {
    const original = handle.prototype[name] as (...args: unknown[]) => unknown;
    handle.prototype[name] = function (this: unknown, ...args: unknown[]) {
      try {
        return original.apply(this, args);
      } catch (error) {
        if ((error as { name?: unknown }).name === "QuotaExceededError") quotaExceeded = true;
        throw error;
      }
    };
  }
};
