/**
 * Persistence of events, items and history in one vault file. Every write of a local edit or of
 * pulled events goes through `commitEvents`, inside the caller's transaction, so the event, the
 * outbox entry and the item's sealed merge state and view commit together or not at all.
 *
 * History is read from the item's merge state, which keeps every write it was ever given (schema
 * version 5). Before it, every field write also got a sealed history row: a seal and an INSERT per
 * write, most of the cost of applying pulled events and of importing a snapshot. The history
 * table now holds only writes that left the merge state (a refused change the user dropped) and
 * the rows files of earlier versions wrote (read, and skipped where the state holds the write).
 */

import { bytesToHex, err, ok, type Result } from "@keypears/base";
import { blindIndex, type VaultKeys } from "@keypears/crypto";
import {
  applyToItem,
  type ChainHash,
  compareHlc,
  createItemState,
  decodeItemState,
  encodeItemState,
  type Event,
  type EventId,
  type Hlc,
  hlcFromBytes,
  hlcToBytes,
  hlcToString,
  type ItemId,
  type ItemState,
  type RandomBytes,
  type VaultId,
  viewItem,
} from "@keypears/sync-core";
import { decode, encode } from "cborg";
import { decodeItem, encodeItem, type Item, itemFromView } from "./item.ts";
import {
  type OpenError,
  openHistoryRecord,
  openItemRecord,
  sealHistoryRecord,
  sealItemRecord,
} from "./sealing.ts";
import { type SqliteDatabase, transactionResult } from "./sqlite.ts";
import type { SealedView, ViewOpener } from "./view-opening.ts";

export interface ItemStore {
  readonly vaultId: VaultId;
  /**
   * Runs `fn` in one transaction (see `transactionResult`). Use it for every write: states handed
   * out by `loadState` are cached and mutated in place, so a rollback must drop the cache.
   */
  readonly transaction: <T, E>(fn: () => Result<T, E>) => Result<T, E>;
  /**
   * Forgets what an enclosing transaction that rolled back left in memory: the decoded states,
   * and the opened views of the items it wrote.
   */
  readonly discardCachedStates: () => void;
  /** The merge state of an item, or undefined for an item this vault has never seen. */
  readonly loadState: (itemId: ItemId) => Result<ItemState | undefined, OpenError>;
  /**
   * Records events (already applied to `states`) and rewrites the touched items' views and
   * merge states, or defers them (`CommitOptions`). Call inside a transaction.
   */
  readonly commitEvents: (
    entries: readonly EventToCommit[],
    states: ReadonlyMap<ItemId, ItemState>,
    options?: CommitOptions,
  ) => ReadonlyMap<ItemId, Item>;
  /**
   * Writes every deferred item's state and view (see `CommitOptions.defer`); returns how many.
   * Call inside a transaction.
   */
  readonly flushDeferred: () => Result<number, OpenError>;
  /** How many items are deferred: their rows do not yet hold every event this vault applied. */
  readonly deferredCount: () => number;
  /**
   * Gives the store the way to open an item's pulled events from a position on (the vault's keys
   * of every epoch, its devices' signing keys), to rebuild a deferred item it holds no state of:
   * one a crash, a rollback or another connection's commit took out of memory.
   */
  readonly readPulledEventsWith: (reader: PulledEventReader) => void;
  readonly readItem: (itemId: ItemId) => Result<Item | undefined, OpenError>;
  /** Every item, each either readable or reported as tampered; one bad row never hides the others. */
  readonly readItems: () => readonly Result<Item, OpenError>[];
  /**
   * Opens every item's view ahead of `readItems`, a share of them through `opener` (another
   * thread) while this one opens the rest; see `preloadViews` below. Not inside a transaction.
   */
  readonly preloadViews: (opener: ViewOpener) => Promise<void>;
  /** Every write of the item (or of one field), oldest first: from its merge state and the history table. */
  readonly readHistory: (
    itemId: ItemId,
    fieldName?: string,
  ) => Result<readonly HistoryRow[], OpenError>;
  /**
   * Keeps an event's writes in the history table before it is taken out of the item's merge state
   * (`forgetEvent`), so history still shows them. Call inside a transaction.
   */
  readonly keepHistoryOf: (state: ItemState, eventId: EventId) => void;
  /**
   * Rewrites an item's row from its merge state after an event was taken out of it (a dropped
   * change); a state left without events removes the row. Call `keepHistoryOf` first to keep the
   * event in history. Call inside a transaction.
   */
  readonly rewriteItem: (state: ItemState) => void;
  /**
   * Writes an item known only by its merge state (a snapshot's, a repair's): its row, from which
   * history is read; the state is not kept in memory. `encoded`: the state's canonical bytes when
   * the caller has them (they must be `encodeItemState(state)`; not checked), so it is not encoded again.
   */
  readonly importItem: (state: ItemState, encoded?: Uint8Array) => void;
  /** The opened merge-state bytes of every item (for a snapshot). */
  readonly readStates: () => Result<readonly Uint8Array[], OpenError>;
  readonly fieldKey: (name: string) => string;
  /**
   * The items with rows in the history table (writes taken out of their merge state, or rows a
   * file of schema version 4 or earlier wrote): every other item's history is its merge state's
   * writes alone. May name more items than that (a rolled-back keep), never fewer.
   */
  readonly itemsWithKeptHistory: () => ReadonlySet<ItemId>;
  /**
   * The items written since `cursor` (a value an earlier call returned): their ids, or null when
   * that is unknown (no cursor, one from another store object, one too old, or another connection
   * committed in between), in which case every item may have changed. Ids of a rolled-back write
   * may be included: a reader re-reads them and finds them as they were.
   */
  readonly changesSince: (cursor: string | undefined) => ItemChanges;
  /** How many decoded merge states are held in memory (never more than the store's bound). */
  readonly cachedStates: () => number;
}

export interface CommitOptions {
  /**
   * `false` leaves the states out of the cache of decoded states (an import's new items: kept,
   * ten thousand of them only slow the garbage collector down, and they are read again only if
   * edited).
   */
  readonly keepStates?: boolean;
  /**
   * Records the events (each with its server position) but not the touched items' states and
   * views: the items are listed as deferred (table deferred_items, from the first position not in
   * their rows) and their states kept in memory, until `flushDeferred` or any write of the item
   * writes them. A pull of many batches so writes each item once, not once per batch that holds
   * one of its events. Until then `readItem` and `readItems` show those items as before the
   * deferred events; `loadState` and history include them. After a crash, or in another
   * connection, a deferred item is its row with its pulled events from that position applied again.
   */
  readonly defer?: boolean;
}

/** Opens an item's pulled (remote) events from `fromPosition` on, in position order. */
export type PulledEventReader = (
  itemId: ItemId,
  fromPosition: number,
) => Result<readonly Event[], OpenError>;

export interface ItemChanges {
  readonly cursor: string;
  readonly items: readonly ItemId[] | null;
}

/**
 * Decoded merge states kept in memory, at most: a sync or an edit that touches an item again finds
 * it decoded, and a sync of a vault of any size holds no more than this many (about 1 KiB each).
 */
export const MAX_CACHED_STATES = 20_000;

/** Rows read per query while preloading views, at most; a tenth of the items for fewer. */
const PRELOAD_PAGE = 500;
/**
 * The share of the items a preload hands to the other thread: reading the views is this thread's
 * alone (about a third of opening them), so the other thread takes the larger share.
 */
const PRELOAD_SHARE = 0.6;

/** How many written ids the journal keeps; an older cursor gets "unknown" (a full re-read). */
const JOURNAL_LIMIT = 4096;

export interface EventToCommit {
  readonly event: Event;
  readonly payload: Uint8Array;
  readonly origin: "local" | "remote";
  /** For a local event of a synced account: queue it for the server. */
  readonly enqueue: boolean;
  /** The server's position and chain hash, for events pulled in order. */
  readonly position?: number;
  readonly chainHash?: ChainHash;
}

/** One write as the history table keeps it. Lifecycle changes appear with `field` "(status)". */
export interface HistoryRow {
  readonly eventId: EventId;
  readonly field: string;
  readonly value: unknown;
  readonly hlc: Hlc;
  readonly basedOn: readonly EventId[];
}

export const STATUS_FIELD = "(status)";

export const createItemStore = (
  db: SqliteDatabase,
  vaultId: VaultId,
  keys: VaultKeys,
  random: RandomBytes,
  now: () => number,
  /** Decoded merge states kept in memory, at most (tests lower it). */
  maxCachedStates = MAX_CACHED_STATES,
): ItemStore => {
  const keyByName = new Map<string, string>();
  const fieldKey = (name: string): string => {
    let key = keyByName.get(name);
    if (key === undefined) {
      key = blindIndex(keys.indexKey, `field:${name}`);
      keyByName.set(name, key);
    }
    return key;
  };

  /** Whether the state holds the write a history row names (by the field's blind index). */
  const stateHolds = (state: ItemState | undefined, eventId: EventId, key: string): boolean => {
    if (state === undefined) return false;
    if (key === fieldKey(STATUS_FIELD)) return state.lifecycle.has(eventId);
    for (const [name, field] of state.fields)
      if (field.writes.has(eventId) && fieldKey(name) === key) return true;
    return false;
  };

  const selectState = db.prepare("SELECT state FROM items WHERE id = ?");
  const insertEvent = db.prepare(
    "INSERT INTO events (vault_id, id, item_id, payload, position, chain_hash, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertOutbox = db.prepare(
    "INSERT INTO outbox (vault_id, event_id, state) VALUES (?, ?, 'pending')",
  );
  const upsertItem = db.prepare(
    `INSERT INTO items (id, state, view, updated_hlc) VALUES (?, ?, ?, ?) ON CONFLICT (id)
     DO UPDATE SET state = excluded.state, view = excluded.view, updated_hlc = excluded.updated_hlc`,
  );
  const insertHistory = db.prepare(
    "INSERT OR IGNORE INTO history (item_id, field_key, event_id, hlc, record) VALUES (?, ?, ?, ?, ?)",
  );
  const selectItem = db.prepare("SELECT view FROM items WHERE id = ?");
  const deleteItem = db.prepare("DELETE FROM items WHERE id = ?");
  const selectStates = db.prepare("SELECT id, state FROM items ORDER BY id");
  const selectItems = db.prepare("SELECT id, view FROM items ORDER BY id");
  const countItems = db.prepare("SELECT count(*) AS n FROM items");
  // By rowid, the table's own order: one pass over it (by id, each row would be a lookup).
  const selectItemsAfter = db.prepare(
    "SELECT rowid, id, view FROM items WHERE rowid > ? ORDER BY rowid LIMIT ?",
  );
  const selectHistory = db.prepare(
    "SELECT field_key, event_id, record FROM history WHERE item_id = ? ORDER BY hlc, event_id",
  );
  const selectKeptHistoryItems = db.prepare("SELECT DISTINCT item_id FROM history");
  const selectDeferred = db.prepare("SELECT item_id, from_position FROM deferred_items");
  const insertDeferred = db.prepare(
    "INSERT INTO deferred_items (item_id, from_position) VALUES (?, ?) ON CONFLICT (item_id) DO NOTHING",
  );
  const deleteDeferred = db.prepare("DELETE FROM deferred_items WHERE item_id = ?");
  const selectFieldHistory = db.prepare(
    "SELECT field_key, event_id, record FROM history WHERE item_id = ? AND field_key = ? ORDER BY hlc, event_id",
  );

  /**
   * Decoded merge states, so a sync that touches an item on many pages opens and decodes it once.
   * They are handed out and mutated in place: only `transaction` may mutate them, and it drops
   * them all if the transaction does not commit. A commit by another connection drops them too.
   */
  const states = new Map<ItemId, ItemState>();
  /** Caches a decoded state, the oldest out first past the bound (a large sync must not hold every item's). */
  const cacheState = (state: ItemState): void => {
    if (!states.has(state.itemId) && states.size >= maxCachedStates)
      states.delete(states.keys().next().value as ItemId);
    states.set(state.itemId, state);
  };
  const uncacheState = (itemId: ItemId): void => {
    states.delete(itemId);
  };

  /**
   * The deferred items (table deferred_items) as this store last read or wrote them: id, and the
   * first position their rows do not hold. Read again after a rollback or another connection's
   * commit (`undefined` until then).
   */
  let deferred: Map<ItemId, number> | undefined;
  const deferredItems = (): Map<ItemId, number> => {
    deferred ??= new Map(
      (selectDeferred.all() as { item_id: ItemId; from_position: number }[]).map((row) => [
        row.item_id,
        row.from_position,
      ]),
    );
    return deferred;
  };
  /**
   * The merge states of deferred items, as this store applied their events: never evicted (the
   * rows lack them), dropped with the other decoded states (then rebuilt from the rows and events).
   */
  const pinned = new Map<ItemId, ItemState>();
  let readPulled: PulledEventReader | undefined;
  /** A deferred item's state from its row and its pulled events from `from` on. */
  const rebuildDeferred = (
    itemId: ItemId,
    stored: ItemState | undefined,
    from: number,
  ): Result<ItemState | undefined, OpenError> => {
    if (readPulled === undefined)
      throw new Error(`item ${itemId} is deferred and this store cannot open its events`);
    const events = readPulled(itemId, from);
    if (!events.ok) return events;
    if (stored === undefined && events.value.length === 0) return ok(undefined);
    const state = stored ?? createItemState(itemId);
    for (const event of events.value) applyToItem(state, event);
    pinned.set(itemId, state);
    return ok(state);
  };
  /** A write of the item's row: it holds every event applied to the item now. */
  const undefer = (itemId: ItemId): void => {
    pinned.delete(itemId);
    if (deferredItems().delete(itemId)) deleteDeferred.run(itemId);
  };

  const transaction = <T, E>(fn: () => Result<T, E>): Result<T, E> => {
    if (!db.inTransaction()) writtenInTransaction.clear();
    let committed = false;
    try {
      const result = transactionResult(db, fn);
      committed = result.ok;
      return result;
    } finally {
      if (!committed) forgetUncommitted();
    }
  };

  /**
   * After a rollback: drops the decoded states, and marks the items written since the outermost
   * transaction began dirty, so a view opened between the write and the rollback (a list inside
   * `Vault.transact`) is read again, as it now is on disk, not served from the cache.
   */
  const forgetUncommitted = (): void => {
    states.clear();
    pinned.clear();
    deferred = undefined;
    writtenViews.clear();
    for (const itemId of writtenInTransaction) dirty.add(itemId);
    if (!db.inTransaction()) writtenInTransaction.clear();
  };

  const loadState = (itemId: ItemId): Result<ItemState | undefined, OpenError> => {
    refreshCache();
    const cached = pinned.get(itemId) ?? states.get(itemId);
    if (cached !== undefined) return ok(cached);
    const from = deferredItems().get(itemId);
    const row = selectState.get(itemId) as { state: Uint8Array } | undefined;
    if (row === undefined)
      return from === undefined ? ok(undefined) : rebuildDeferred(itemId, undefined, from);
    const opened = openItemRecord(keys, vaultId, itemId, "state", row.state);
    if (!opened.ok) return opened;
    // Opened under this vault's key, so it is bytes this vault wrote: no canonical re-check needed.
    const state = decodeItemState(opened.value, { trusted: true });
    if (!state.ok || state.value.itemId !== itemId)
      return err({ kind: "tampered", what: "item state", id: itemId });
    if (from !== undefined) return rebuildDeferred(itemId, state.value, from);
    cacheState(state.value);
    return ok(state.value);
  };

  const putHistory = (
    itemId: ItemId,
    eventId: EventId,
    name: string,
    record: unknown[],
    hlcText: string,
  ): void => {
    const key = fieldKey(name);
    const row = { itemId, eventId, fieldKey: key };
    keptHistory?.add(itemId);
    insertHistory.run(
      itemId,
      key,
      eventId,
      hlcText,
      sealHistoryRecord(keys, vaultId, row, encode(record), random),
    );
  };

  const commitEvents = (
    entries: readonly EventToCommit[],
    states: ReadonlyMap<ItemId, ItemState>,
    options: CommitOptions = {},
  ): ReadonlyMap<ItemId, Item> => {
    const touched = new Set<ItemId>();
    const createdAt = now();
    /** With `defer`: each touched item's first position in this commit. */
    const firstPosition = new Map<ItemId, number>();
    for (const entry of entries) {
      const { event } = entry;
      insertEvent.run(
        vaultId,
        event.id,
        event.itemId,
        entry.payload,
        entry.position ?? null,
        entry.chainHash ?? null,
        entry.origin,
        createdAt,
      );
      if (entry.enqueue) insertOutbox.run(vaultId, event.id);
      touched.add(event.itemId);
      if (options.defer === true) {
        if (entry.position === undefined || entry.origin !== "remote")
          throw new Error(`only pulled events with their positions can be deferred (${event.id})`);
        if (!firstPosition.has(event.itemId)) firstPosition.set(event.itemId, entry.position);
      }
    }
    if (options.defer === true) {
      const listed = deferredItems();
      for (const itemId of touched) {
        const state = states.get(itemId);
        if (state === undefined) throw new Error(`no merge state given for item ${itemId}`);
        if (!listed.has(itemId)) {
          const from = firstPosition.get(itemId) as number;
          insertDeferred.run(itemId, from);
          listed.set(itemId, from);
        }
        pinned.set(itemId, state);
        uncacheState(itemId);
      }
      return new Map();
    }
    const written = new Map<ItemId, Item>();
    for (const itemId of touched) {
      const state = states.get(itemId);
      if (state === undefined) throw new Error(`no merge state given for item ${itemId}`);
      written.set(itemId, writeItem(state, options.keepStates ?? true));
    }
    return written;
  };

  /**
   * Opened item views, so listing and finding by title do not decrypt the whole vault on every
   * call. Only values read from the database are cached: a write marks its item dirty (re-read on
   * next use, so a rolled-back write is never seen), and a commit by another connection (SQLite's
   * `data_version` changes) empties the cache.
   */
  const cache = new Map<ItemId, Result<Item, OpenError>>();
  const dirty = new Set<ItemId>();
  let complete = false;
  let seenVersion = -1;
  /** `itemsWithKeptHistory`, read once per data version and added to by `putHistory`. */
  let keptHistory: Set<ItemId> | undefined;
  /**
   * The ids written through this store, in order, for `changesSince`. A cursor is
   * `<store>:<generation>:<sequence>`; the generation moves on when another connection committed
   * (its writes are not in the journal).
   */
  const storeId = bytesToHex(random(8));
  let generation = 0;
  let journalStart = 0;
  const journal: ItemId[] = [];
  /** Items written since the outermost transaction began (see `forgetUncommitted`). */
  const writtenInTransaction = new Set<ItemId>();
  /**
   * The view of each item as this store last wrote it, until it is known to be committed: then
   * `promoteWritten` moves it into the cache, so a list after an import or a sync does not open
   * again the views it has just sealed. A rollback drops them (`forgetUncommitted`), as does a
   * commit by another connection (`refreshCache`); any other write of the item replaces or
   * drops its entry first (`markWritten`).
   */
  const writtenViews = new Map<ItemId, Item>();
  const markWritten = (itemId: ItemId): void => {
    // Written before anything was read: what is written is as of this version of the file, so a
    // later commit by another connection is told from it (and drops the written views).
    if (seenVersion === -1) seenVersion = db.dataVersion();
    dirty.add(itemId);
    writtenViews.delete(itemId);
    writtenInTransaction.add(itemId);
    journal.push(itemId);
    if (journal.length > JOURNAL_LIMIT) {
      const dropped = journal.length - JOURNAL_LIMIT / 2;
      journal.splice(0, dropped);
      journalStart += dropped;
    }
  };
  const refreshCache = (): void => {
    const version = db.dataVersion();
    if (version !== seenVersion) {
      cache.clear();
      states.clear();
      pinned.clear();
      deferred = undefined;
      dirty.clear();
      writtenViews.clear();
      complete = false;
      keptHistory = undefined;
      seenVersion = version;
      generation += 1;
      journalStart += journal.length;
      journal.length = 0;
    }
  };
  const changesSince = (cursor: string | undefined): ItemChanges => {
    refreshCache();
    const end = journalStart + journal.length;
    const next = `${storeId}:${generation}:${end}`;
    const [store, gen, seq] = cursor?.split(":") ?? [];
    const from = Number(seq);
    if (store !== storeId || Number(gen) !== generation || !(from >= journalStart && from <= end))
      return { cursor: next, items: null };
    return { cursor: next, items: [...new Set(journal.slice(from - journalStart))] };
  };
  /**
   * Outside a transaction, what this store wrote is committed (a rollback would have dropped it):
   * the written views go into the cache as if read back. When the cache then holds as many items
   * as the table, and none is dirty, it holds them all (every row change goes through
   * `markWritten`), so a list opens nothing.
   */
  const promoteWritten = (): void => {
    if (writtenViews.size === 0 || db.inTransaction()) return;
    for (const [id, item] of writtenViews) {
      cache.set(id, ok(item));
      dirty.delete(id);
    }
    writtenViews.clear();
    if (!complete && dirty.size === 0 && cache.size === (countItems.get() as { n: number }).n)
      complete = true;
  };
  const readCached = (itemId: ItemId): Result<Item | undefined, OpenError> => {
    if (!dirty.has(itemId)) {
      const cached = cache.get(itemId);
      if (cached !== undefined) return cached;
    }
    dirty.delete(itemId);
    const row = selectItem.get(itemId) as { view: Uint8Array } | undefined;
    if (row === undefined) {
      cache.delete(itemId);
      return ok(undefined);
    }
    const item = openItem(itemId, row.view);
    cache.set(itemId, item);
    return item;
  };

  /** Seals and stores an item's merge state and the view derived from it; returns the view. */
  const writeItem = (state: ItemState, keepState = true, encoded?: Uint8Array): Item => {
    markWritten(state.itemId);
    undefer(state.itemId);
    if (keepState) cacheState(state);
    // A state not kept must not stay cached from before this write either.
    else states.delete(state.itemId);
    const view = viewItem(state);
    const item = itemFromView(view);
    const stateBox = sealItemRecord(
      keys,
      vaultId,
      state.itemId,
      "state",
      encoded ?? encodeItemState(state),
      random,
    );
    const viewBox = sealItemRecord(keys, vaultId, state.itemId, "view", encodeItem(item), random);
    upsertItem.run(state.itemId, stateBox, viewBox, hlcToString(view.updated));
    writtenViews.set(state.itemId, item);
    return item;
  };

  const openItem = (itemId: ItemId, box: Uint8Array): Result<Item, OpenError> => {
    const opened = openItemRecord(keys, vaultId, itemId, "view", box);
    return opened.ok ? ok(decodeItem(opened.value)) : opened;
  };

  /**
   * Reads every view a page at a time and hands the first pages (a `PRELOAD_SHARE` of
   * the items) to `opener` as each is read, so the other thread opens them while this one reads
   * the rest and opens those. The reads are one synchronous run (one state of the file); what is
   * written before the opened views come back is marked dirty and read again, and a commit by
   * another connection meanwhile drops them all (`refreshCache` moved the generation on).
   */
  const preloadViews = async (opener: ViewOpener): Promise<void> => {
    refreshCache();
    promoteWritten();
    if (complete) return;
    const startedIn = generation;
    const total = (countItems.get() as { n: number }).n;
    const pageSize = Math.max(50, Math.min(PRELOAD_PAGE, Math.ceil(total / 10)));
    const shared: Promise<{ rows: SealedView[]; items: readonly (Item | null)[] | undefined }>[] =
      [];
    const local: SealedView[] = [];
    let after = 0;
    let read = 0;
    const present = new Set<ItemId>();
    for (;;) {
      const page = selectItemsAfter.all(after, pageSize) as (SealedView & { rowid: number })[];
      if (page.length === 0) break;
      after = (page.at(-1) as { rowid: number }).rowid;
      for (const { id } of page) present.add(id);
      // A view cached and clean (written here, or read before) is not opened again.
      const rows = page
        .filter(({ id }) => !cache.has(id) || dirty.has(id))
        .map(({ id, view }): SealedView => ({ id, view }));
      if (rows.length === 0) {
        if (page.length < pageSize) break;
        continue;
      }
      if (read + rows.length <= total * PRELOAD_SHARE)
        shared.push(
          opener({ storeKey: keys.storeKey, vaultId, rows }).then(
            (items) => ({ rows, items: items.length === rows.length ? items : undefined }),
            () => ({ rows, items: undefined }),
          ),
        );
      else local.push(...rows);
      read += rows.length;
      if (page.length < pageSize) break;
    }
    const opened: [ItemId, Result<Item, OpenError>][] = local.map((row) => [
      row.id,
      openItem(row.id, row.view),
    ]);
    for (const { rows, items } of await Promise.all(shared)) {
      rows.forEach((row, i) => {
        const item = items?.[i];
        opened.push([
          row.id,
          item === undefined
            ? openItem(row.id, row.view)
            : item === null
              ? err({ kind: "tampered", what: "item", id: row.id })
              : ok(item),
        ]);
      });
    }
    refreshCache();
    if (generation !== startedIn || complete) return;
    for (const [id, item] of opened) if (!dirty.has(id)) cache.set(id, item);
    // An item deleted since it was cached is not in the table: the cache holds the table's items.
    for (const id of cache.keys()) if (!present.has(id) && !dirty.has(id)) cache.delete(id);
    complete = true;
  };

  return {
    vaultId,
    transaction,
    discardCachedStates: forgetUncommitted,
    loadState,
    commitEvents,
    readItem: (itemId) => {
      refreshCache();
      promoteWritten();
      return readCached(itemId);
    },
    preloadViews,
    readItems: () => {
      refreshCache();
      promoteWritten();
      if (!complete) {
        // Views already cached and clean are kept (written here, or read one by one before).
        const rows = new Set<ItemId>();
        for (const row of selectItems.all() as { id: ItemId; view: Uint8Array }[]) {
          rows.add(row.id);
          if (!cache.has(row.id) || dirty.has(row.id))
            cache.set(row.id, openItem(row.id, row.view));
        }
        for (const id of cache.keys()) if (!rows.has(id)) cache.delete(id);
        complete = true;
        dirty.clear();
      }
      for (const id of dirty) readCached(id);
      dirty.clear();
      return [...cache.values()];
    },
    readHistory: (itemId, fieldName) => {
      const state = loadState(itemId);
      if (!state.ok) return state;
      const out = state.value === undefined ? [] : historyOfState(state.value, fieldName);
      const rows = (
        fieldName === undefined
          ? selectHistory.all(itemId)
          : selectFieldHistory.all(itemId, fieldKey(fieldName))
      ) as { field_key: string; event_id: EventId; record: Uint8Array }[];
      if (rows.length === 0) return ok(out.sort(oldestFirst));
      const inState = new Set(out.map((row) => `${row.eventId}/${row.field}`));
      for (const row of rows) {
        // A row a file of schema version 4 or earlier wrote for a write the state still holds.
        if (stateHolds(state.value, row.event_id, row.field_key)) continue;
        const opened = openHistoryRecord(
          keys,
          vaultId,
          { itemId, eventId: row.event_id, fieldKey: row.field_key },
          row.record,
        );
        if (!opened.ok) return opened;
        const [field, value, hlc, basedOn] = decode(opened.value) as [
          string,
          unknown,
          Uint8Array,
          EventId[],
        ];
        if (fieldKey(field) !== row.field_key)
          return err({ kind: "tampered", what: "history", id: `${itemId}/${row.event_id}` });
        const clock = hlcFromBytes(hlc);
        if (!clock.ok)
          return err({ kind: "tampered", what: "history", id: `${itemId}/${row.event_id}` });
        if (inState.has(`${row.event_id}/${field}`)) continue;
        out.push({ eventId: row.event_id, field, value, hlc: clock.value, basedOn });
      }
      return ok(out.sort(oldestFirst));
    },
    keepHistoryOf: (state, eventId) => {
      for (const field of state.fields.values()) {
        const write = field.writes.get(eventId);
        if (write === undefined) continue;
        const record = [write.field, write.value, hlcToBytes(write.hlc), write.basedOn];
        putHistory(state.itemId, eventId, write.field, record, hlcToString(write.hlc));
      }
      const life = state.lifecycle.get(eventId);
      if (life !== undefined) {
        const record = [STATUS_FIELD, life.kind, hlcToBytes(life.hlc), life.basedOn];
        putHistory(state.itemId, eventId, STATUS_FIELD, record, hlcToString(life.hlc));
      }
    },
    rewriteItem: (state) => {
      if (state.applied.size > 0) {
        writeItem(state);
        return;
      }
      deleteItem.run(state.itemId);
      states.delete(state.itemId);
      undefer(state.itemId);
      markWritten(state.itemId);
    },
    // Not cached: a snapshot's items are read again only if edited, and a hundred thousand decoded
    // states would only slow the garbage collector down.
    importItem: (state, encoded) => {
      writeItem(state, false, encoded);
    },
    cachedStates: () => states.size,
    readStates: () => {
      refreshCache();
      const listed = deferredItems();
      const out: [ItemId, Uint8Array][] = [];
      for (const row of selectStates.all() as { id: ItemId; state: Uint8Array }[]) {
        if (listed.has(row.id)) continue;
        const opened = openItemRecord(keys, vaultId, row.id, "state", row.state);
        if (!opened.ok) return opened;
        out.push([row.id, opened.value]);
      }
      if (listed.size === 0) return ok(out.map(([, state]) => state));
      // A deferred item's state as it is, not as its row holds it; by id, as the rows are read.
      for (const itemId of listed.keys()) {
        const state = loadState(itemId);
        if (!state.ok) return state;
        if (state.value !== undefined) out.push([itemId, encodeItemState(state.value)]);
      }
      out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return ok(out.map(([, state]) => state));
    },
    flushDeferred: () => {
      refreshCache();
      const listed = deferredItems();
      let written = 0;
      for (const itemId of listed.keys()) {
        const state = loadState(itemId);
        if (!state.ok) return state;
        if (state.value === undefined) undefer(itemId);
        else {
          writeItem(state.value);
          written += 1;
        }
      }
      return ok(written);
    },
    deferredCount: () => {
      refreshCache();
      return deferredItems().size;
    },
    readPulledEventsWith: (reader) => {
      readPulled = reader;
    },
    fieldKey,
    itemsWithKeptHistory: () => {
      refreshCache();
      keptHistory ??= new Set(
        (selectKeptHistoryItems.all() as { item_id: ItemId }[]).map((row) => row.item_id),
      );
      return keptHistory;
    },
    changesSince,
  };
};

/** Every write the merge state holds, as history rows (unsorted). */
const historyOfState = (state: ItemState, fieldName: string | undefined): HistoryRow[] => {
  const out: HistoryRow[] = [];
  for (const [name, field] of state.fields) {
    if (fieldName !== undefined && fieldName !== name) continue;
    for (const write of field.writes.values()) {
      out.push({
        eventId: write.eventId,
        field: name,
        value: write.value,
        hlc: write.hlc,
        basedOn: write.basedOn,
      });
    }
  }
  if (fieldName === undefined || fieldName === STATUS_FIELD) {
    for (const life of state.lifecycle.values()) {
      out.push({
        eventId: life.eventId,
        field: STATUS_FIELD,
        value: life.kind,
        hlc: life.hlc,
        basedOn: life.basedOn,
      });
    }
  }
  return out;
};

/** By HLC, then by event id, as the history table's index (HLC hex text, event id) ordered rows. */
const oldestFirst = (a: HistoryRow, b: HistoryRow): number =>
  compareHlc(a.hlc, b.hlc) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
