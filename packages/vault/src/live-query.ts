/**
 * Live queries: a query an app subscribes to (the list with a filter, one item, the conflicts,
 * the sync status). The subscriber gets the result at once, then a new one after every commit
 * that changed it, and never the same result twice. Queries are plain data, so the same
 * description runs on a vault in this process (`watchLiveQuery`, Node) or crosses to a browser's
 * owning worker (`browser/vault-client.ts`); `createLiveQuery` is the re-run-and-compare loop
 * both use.
 */

import type { Result } from "@keypears/base";
import type { VaultError } from "./errors.ts";
import type { Item } from "./item.ts";
import type { ListFilter } from "./search.ts";
import type { Vault } from "./vault.ts";
import type { SyncStatus } from "./vault-sync.ts";

export type LiveQuery =
  | { readonly kind: "list"; readonly filter?: ListFilter }
  | { readonly kind: "item"; readonly ref: string }
  | { readonly kind: "conflicts" }
  | { readonly kind: "sync-status" };

export interface LiveQueryResults {
  readonly list: readonly Item[];
  readonly item: Result<Item, VaultError>;
  readonly conflicts: ReturnType<Vault["conflicts"]>;
  readonly "sync-status": SyncStatus;
}

export type LiveResult<Q extends LiveQuery> = LiveQueryResults[Q["kind"]];

/** Runs a query once against an unlocked vault. */
export const runLiveQuery = <Q extends LiveQuery>(vault: Vault, query: Q): LiveResult<Q> => {
  const run = (): LiveQueryResults[LiveQuery["kind"]] => {
    switch (query.kind) {
      case "list":
        return vault.list(query.filter);
      case "item":
        return vault.get(query.ref);
      case "conflicts":
        return vault.conflicts();
      case "sync-status":
        return vault.sync.status();
    }
  };
  return run() as LiveResult<Q>;
};

export interface LiveQueryOptions<T> {
  /** Runs the query (here, or in another worker). */
  readonly run: () => T | Promise<T>;
  /** Calls its argument whenever a commit may have changed the result; returns the unsubscribe. */
  readonly changes: (onChange: () => void) => () => void;
  readonly onResult: (result: T) => void;
  /** A run that failed (the vault locked, the owner gone); the query keeps listening. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Runs at once, then again after each change notice (notices that arrive during a run collapse
 * into one more run), and hands on a result only when it differs from the last one handed on.
 */
export const createLiveQuery = <T>(options: LiveQueryOptions<T>): (() => void) => {
  let stopped = false;
  let running = false;
  let again = false;
  let last: { readonly value: T } | undefined;
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          const value = await options.run();
          if (stopped) return;
          if (last === undefined || !sameValue(last.value, value)) {
            last = { value };
            options.onResult(value);
          }
        } catch (error) {
          if (!stopped) options.onError?.(error);
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const unsubscribe = options.changes(() => void refresh());
  void refresh();
  return () => {
    stopped = true;
    unsubscribe();
  };
};

/**
 * Watches a query on a vault in this process: commits through this vault object, and (on Node)
 * another process's commits to the same file, trigger a re-run.
 */
export const watchLiveQuery = <Q extends LiveQuery>(
  vault: Vault,
  query: Q,
  onResult: (result: LiveResult<Q>) => void,
  onError?: (error: unknown) => void,
): (() => void) =>
  createLiveQuery({
    run: () => runLiveQuery(vault, query),
    changes: (onChange) => {
      const fromHere = vault.onCommit(onChange);
      const fromElsewhere = vault.sync.onLocalChange(onChange);
      return () => {
        fromHere();
        fromElsewhere();
      };
    },
    onResult,
    ...(onError === undefined ? {} : { onError }),
  });

/** Structural equality of query results (plain data: objects, arrays, bytes, primitives). */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length)
      return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
};
