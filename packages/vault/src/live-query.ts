/**
 * Live queries: a query an app subscribes to (the list with a filter, one item, the conflicts,
 * the sync status). The subscriber gets the result at once, then a new one after every commit
 * that changed it, and never the same result twice. Queries are plain data, so the same
 * description runs on a vault in this process (`watchLiveQuery`, Node) or crosses to a browser's
 * owning worker (`vault-browser`'s `vault-client.ts`).
 *
 * Incremental: a run after a commit does not redo the query over every item. The vault journals
 * which items each commit wrote (`Vault.itemChanges`), so a run given the cursor of the previous
 * one answers with a delta (`runLiveDelta`): for a list, only the changed items' rows (each the
 * item if it now matches the filter, else null); for an item nobody wrote, "same". Where the
 * journal cannot say (the first run, another connection's commit, a new owner), the delta is the
 * full result. `foldLiveDelta` patches the previous result with a delta and says whether it
 * changed; `followLiveQuery` is the re-run loop. In a browser the loop runs in the tab's worker
 * and the fold in the page, so an edit moves one row across the worker boundary, not 10,000.
 */

import type { Result } from "@keypears/base";
import type { VaultError } from "./errors.ts";
import type { Item } from "./item.ts";
import type { ItemType } from "./item-model.ts";
import { compareItems, type ListFilter, matchesFilter } from "./search.ts";
import type { Vault } from "./vault.ts";
import type { SyncStatus } from "./vault-sync.ts";

export type LiveQuery =
  | { readonly kind: "list"; readonly filter?: ListFilter }
  /** The list as a list screen shows it: one `ListRow` per item, never a secret. */
  | { readonly kind: "rows"; readonly filter?: ListFilter }
  | { readonly kind: "item"; readonly ref: string }
  | { readonly kind: "conflicts" }
  | { readonly kind: "sync-status" };

export interface LiveQueryResults {
  readonly list: readonly Item[];
  readonly rows: readonly ListRow[];
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
      case "rows":
        return vault.list(query.filter).map(listRow);
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

/**
 * What a list screen shows of an item: enough to render, filter by folder, tag and favourite,
 * and sort, and nothing secret (no password, notes or hidden field), so the list's page holds
 * no secret and a run moves a few small rows instead of whole items.
 */
export interface ListRow {
  readonly id: string;
  readonly type: ItemType;
  readonly title: string;
  readonly status: Item["status"];
  /** The username, if the item has one. */
  readonly username: string | null;
  readonly favorite: boolean;
  readonly folder: string | null;
  readonly tags: readonly string[];
  readonly conflicts: number;
  /** When it last changed (ms since the epoch, from its clock). */
  readonly updatedAt: number;
}

const stringsOf = (item: Item, name: string): readonly string[] => {
  const value = item.fields.find((f) => f.name === name)?.value;
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

export const listRow = (item: Item): ListRow => ({
  id: item.id,
  type: item.type,
  title: item.title,
  status: item.status,
  username: stringsOf(item, "username")[0] ?? null,
  favorite: item.fields.some((f) => f.name === "favorite" && f.value === true),
  folder: stringsOf(item, "folder")[0] ?? null,
  tags: stringsOf(item, "tags"),
  conflicts: item.conflicts.length,
  updatedAt: item.updated.at,
});

/** Where a live query's previous run left the vault's change journal (opaque). */
export type LiveCursor = string;

/** One row of a list delta: the item (or its row) as the list now holds it, or null (gone). */
export interface LiveRow {
  readonly id: string;
  readonly item: Item | ListRow | null;
}

/** What a run hands on: the whole result, or what changed since the previous run. */
export type LiveDelta<Q extends LiveQuery = LiveQuery> =
  | { readonly kind: "full"; readonly cursor: LiveCursor; readonly value: LiveResult<Q> }
  /** The list's changed rows (list and rows queries); rows not named are as they were. */
  | { readonly kind: "rows"; readonly cursor: LiveCursor; readonly rows: readonly LiveRow[] }
  | { readonly kind: "same"; readonly cursor: LiveCursor };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Runs a query against an unlocked vault, as a delta from the run that returned `since` when the
 * vault's journal can tell what changed, else in full.
 */
export const runLiveDelta = <Q extends LiveQuery>(
  vault: Vault,
  query: Q,
  since?: LiveCursor,
): LiveDelta<Q> => {
  // The cursor is taken before the query runs: a commit after it is in the next delta.
  const changes = vault.itemChanges(since);
  const { cursor } = changes;
  if (since !== undefined && changes.items !== null) {
    if (query.kind === "list" || query.kind === "rows") {
      const filter = query.filter ?? {};
      const project = query.kind === "rows" ? listRow : (item: Item) => item;
      const rows = changes.items.map((id): LiveRow => {
        const item = vault.itemById(id);
        return {
          id,
          item: item !== undefined && matchesFilter(item, filter) ? project(item) : null,
        };
      });
      return { kind: "rows", cursor, rows };
    }
    // An item named by its id depends on that item alone.
    if (
      query.kind === "item" &&
      UUID.test(query.ref) &&
      !changes.items.some((id) => id === query.ref)
    )
      return { kind: "same", cursor };
  }
  return { kind: "full", cursor, value: runLiveQuery(vault, query) };
};

/** The result after a delta, and whether it differs from the previous one. */
export interface Folded<T> {
  readonly value: T;
  readonly changed: boolean;
}

/**
 * Applies a delta to the previous result (undefined before the first). A full result counts as
 * changed only if it differs structurally; rows are patched into the sorted list (the order of
 * `Vault.list`), and count as changed only if a row was added, removed or differs.
 */
export const foldLiveDelta = <Q extends LiveQuery>(
  previous: { readonly value: LiveResult<Q> } | undefined,
  delta: LiveDelta<Q>,
): Folded<LiveResult<Q>> => {
  switch (delta.kind) {
    case "full":
      return {
        value: delta.value,
        changed: previous === undefined || !sameValue(previous.value, delta.value),
      };
    case "same":
      if (previous === undefined) throw new Error("a live query's first delta must be full");
      return { value: previous.value, changed: false };
    case "rows": {
      if (previous === undefined) throw new Error("a live query's first delta must be full");
      const patched = patchList(previous.value as readonly Listed[], delta.rows);
      return { value: patched.value as LiveResult<Q>, changed: patched.changed };
    }
  }
};

type Listed = Item | ListRow;

const patchList = (
  list: readonly Listed[],
  rows: readonly LiveRow[],
): Folded<readonly Listed[]> => {
  if (rows.length === 0) return { value: list, changed: false };
  const rowById = new Map(rows.map((row) => [row.id, row.item]));
  let changed = false;
  const kept: Listed[] = [];
  for (const item of list) {
    if (!rowById.has(item.id)) kept.push(item);
    else {
      const now = rowById.get(item.id) ?? null;
      if (now === null || !sameValue(now, item)) changed = true;
    }
  }
  const added = [...rowById.values()].filter((item): item is Listed => item !== null);
  if (!changed && kept.length + added.length === list.length) return { value: list, changed };
  // Each added item goes in by binary search: the list stays in `Vault.list`'s order.
  for (const item of added) {
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareItems(kept[middle] as Listed, item) < 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, item);
  }
  return { value: kept, changed: true };
};

export interface FollowOptions<D> {
  /** Runs the query (here, or in another worker), as a delta from `since` where it can. */
  readonly run: (since: LiveCursor | undefined) => D | Promise<D>;
  /** Calls its argument whenever a commit may have changed the result; returns the unsubscribe. */
  readonly changes: (onChange: () => void) => () => void;
  readonly onDelta: (delta: D) => void;
  /** A run that failed (the vault locked, the owner gone); the query keeps listening. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The re-run loop: runs at once, then again after each change notice (notices that arrive during
 * a run collapse into one more run), each run from the cursor of the last. After a failed run the
 * next one starts over (a full result).
 */
export const followLiveQuery = <D extends { readonly cursor: LiveCursor }>(
  options: FollowOptions<D>,
): (() => void) => {
  let stopped = false;
  let running = false;
  let again = false;
  let cursor: LiveCursor | undefined;
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
          const delta = await options.run(cursor);
          if (stopped) return;
          cursor = delta.cursor;
          options.onDelta(delta);
        } catch (error) {
          cursor = undefined;
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
 * Hands on a live query's results from its deltas: `onResult` gets the first result, then each
 * one that differs from the last handed on.
 */
export const liveResults = <Q extends LiveQuery>(
  onResult: (result: LiveResult<Q>) => void,
): ((delta: LiveDelta<Q>) => void) => {
  let last: { readonly value: LiveResult<Q> } | undefined;
  return (delta) => {
    const folded = foldLiveDelta(last, delta);
    last = { value: folded.value };
    if (folded.changed) onResult(folded.value);
  };
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
 * The loop for any query function (no deltas): re-runs it in full after each change notice, and
 * hands on a result only when it differs from the last one handed on.
 */
export const createLiveQuery = <T>(options: LiveQueryOptions<T>): (() => void) => {
  let last: { readonly value: T } | undefined;
  return followLiveQuery({
    run: async () => ({ cursor: "", value: await options.run() }),
    changes: options.changes,
    onDelta: ({ value }) => {
      if (last !== undefined && sameValue(last.value, value)) return;
      last = { value };
      options.onResult(value);
    },
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
};

/**
 * Watches a query on a vault in this process: commits through this vault object, and (on Node)
 * another process's commits to the same file, trigger a run, incremental where it can be.
 */
export const watchLiveQuery = <Q extends LiveQuery>(
  vault: Vault,
  query: Q,
  onResult: (result: LiveResult<Q>) => void,
  onError?: (error: unknown) => void,
): (() => void) =>
  followLiveQuery({
    run: (since) => runLiveDelta(vault, query, since),
    changes: (onChange) => {
      const fromHere = vault.onCommit(onChange);
      const fromElsewhere = vault.sync.onLocalChange(onChange);
      return () => {
        fromHere();
        fromElsewhere();
      };
    },
    onDelta: liveResults(onResult),
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
