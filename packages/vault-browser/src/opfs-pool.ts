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
  /** Another pool (its own OPFS folder), for tests that must not touch the app's vaults. */
  readonly name?: string;
  readonly capacity?: number;
}

export interface OpfsPool {
  /** The vault files in `/vaults/`. */
  readonly storage: AccountStorage;
  /** Vault files under another folder of the pool (`<prefix><address>.vault`). */
  readonly storageAt: (prefix: string) => AccountStorage;
  /** The pool's file names, and a file's bytes (what SQLite stored, without the pool's header). */
  readonly fileNames: () => readonly string[];
  readonly fileBytes: (name: string) => Uint8Array;
  readonly unlink: (name: string) => void;
  readonly close: () => void;
}

export const openOpfsPool = async (options: OpenPoolOptions = {}): Promise<OpfsPool> => {
  watchQuota();
  // Its own chunk, loaded when the worker opens the database (the page's first load stays small).
  const { default: sqlite3InitModule } = await import("@sqlite.org/sqlite-wasm");
  const sqlite3 = await sqlite3InitModule();
  const capacity = options.capacity ?? CAPACITY;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const pool = await sqlite3.installOpfsSAHPoolVfs({
        name: options.name ?? POOL_NAME,
        initialCapacity: capacity,
        preserveOnInitFailure: true,
        ...(attempt > 0 ? { forceReinitIfPreviouslyFailed: true } : {}),
      });
      await pool.reserveMinimumCapacity(capacity);
      return {
        storage: createOpfsStorage(sqlite3, pool),
        storageAt: (prefix) => createOpfsStorage(sqlite3, pool, prefix),
        fileNames: () => pool.getFileNames(),
        fileBytes: (name) => pool.exportFile(name),
        unlink: (name) => {
          pool.unlink(name);
        },
        close: () => pool.pauseVfs(),
      };
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
