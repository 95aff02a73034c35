/**
 * An unlocked vault: add, edit, trash, restore and purge items, list and search them, read their
 * history, see and resolve conflicts. Every change is one immutable event, committed with its
 * outbox entry and the item's sealed merge state (which its history is read from) and view in one
 * SQLite transaction.
 */

import type { ViewOpener } from "./view-opening.ts";
import { err, MAX_SEALED_EVENT_BYTES, ok, type Result } from "@keypears/base";
import {
  type AuthSecret,
  type KdfParams,
  parseBase32,
  parseOtpauthUri,
  type SecretKey,
  totpCode,
  type TotpCode,
  wipe,
} from "@keypears/crypto";
import {
  applyToItem,
  createItemState,
  type Event,
  type EventOp,
  type FieldValue,
  type Hlc,
  fieldValuesEqual,
  type ItemId,
  type ItemView,
  isUuid,
  lifecycleOp,
  type LifecycleKind,
  setFieldsOp,
  viewItem,
} from "@keypears/sync-core";
import { type AccountRecord, type VaultDeps, writeAccountRecord } from "./account-record.ts";
import { checkFields, createAddMany, type NewItemInput, type NewItemWithPast } from "./add-many.ts";
import type { Address } from "./address.ts";
import { sealCredentials, unlockKeys } from "./credentials.ts";
import type { VaultError } from "./errors.ts";
import { type Item, type ItemConflict, type Stamp } from "./item.ts";
import { checkField, isSecretField } from "./item-model.ts";
import { type ItemChanges, STATUS_FIELD } from "./item-store.ts";
import { createRejectedChanges } from "./rejected-changes.ts";
import { filterKey, matchesFilter, type ListFilter } from "./search.ts";
import { createSortedItems } from "./sorted-items.ts";
import { createDeviceTrust } from "./device-trust.ts";
import { createKeyEpochs, epochKeyList } from "./key-epochs.ts";
import type { OpenError } from "./sealing.ts";
import type { SqliteDatabase } from "./sqlite.ts";
import { createVaultContext, type VaultContext } from "./vault-context.ts";
import { createVaultSync, type VaultSync } from "./vault-sync.ts";

export type { NewItemInput, NewItemWithPast };

export interface FieldHistoryEntry extends Stamp {
  readonly eventId: string;
  readonly value: FieldValue;
  /** The value the field shows now. */
  readonly current: boolean;
  /** Not superseded: the current value or one side of a conflict. */
  readonly head: boolean;
}

export interface ItemHistory {
  readonly item: Item;
  readonly fields: readonly {
    readonly name: string;
    readonly secret: boolean;
    readonly entries: readonly FieldHistoryEntry[];
  }[];
  readonly status: readonly (Stamp & {
    readonly eventId: string;
    readonly action: LifecycleKind;
  })[];
}

export type ResolveChoice = { readonly value: FieldValue } | { readonly pick: number };

export interface CredentialChange {
  /** What the server knew the account by, and what it will know it by: for a synced account. */
  readonly previousAuthSecret: AuthSecret;
  readonly authSecret: AuthSecret;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly wrappedVaultKey: Uint8Array;
  /** Writes the new password's wrapping to the vault file. Nothing else is re-encrypted. */
  readonly commit: () => void;
}

export interface Vault {
  readonly address: Address;
  readonly vaultId: AccountRecord["vaultId"];
  readonly deviceId: AccountRecord["deviceId"];
  readonly serverUrl: string | null;
  readonly localOnly: boolean;
  readonly add: (input: NewItemInput) => Result<Item, VaultError>;
  /**
   * Adds many items in one transaction (an import): all of them, or none (the first error). Each
   * is the same sealed events and item record that `add` (then `edit` for each later version, and
   * `trash`) writes; see `add-many.ts` for what is done once per batch instead.
   */
  readonly addMany: (inputs: readonly NewItemWithPast[]) => Result<readonly Item[], VaultError>;
  /** Sets fields (`null` removes one); unchanged values are not written again. */
  readonly edit: (
    ref: string,
    changes: Readonly<Record<string, FieldValue>>,
  ) => Result<Item, VaultError>;
  readonly trash: (ref: string) => Result<Item, VaultError>;
  readonly restore: (ref: string) => Result<Item, VaultError>;
  readonly purge: (ref: string) => Result<Item, VaultError>;
  /** An item by id, unique id prefix, or exact title (case-insensitive); several matches are an error, never a guess. */
  readonly get: (ref: string) => Result<Item, VaultError>;
  readonly list: (filter?: ListFilter) => readonly Item[];
  /**
   * Opens every item ahead of the first `list`, a share of them on another thread through
   * `opener` (see `view-opening.ts`); a `list` meanwhile still answers, opening what it needs.
   */
  readonly preloadItems: (opener: ViewOpener) => Promise<void>;
  readonly history: (ref: string, field?: string) => Result<ItemHistory, VaultError>;
  /**
   * For each readable item whose history is read from its merge state alone, a time none of its
   * writes (of any field, as `history` shows them) is older than: when it was created. Items with
   * writes kept apart from their state (a dropped change) are left out: ask `history`. For a
   * reader that needs history only for writes older than some time (the health report's age check),
   * without opening the history of every item.
   */
  readonly oldestWrites: () => ReadonlyMap<ItemId, number>;
  readonly conflicts: () => readonly { readonly item: Item; readonly conflict: ItemConflict }[];
  /** Resolves a field's conflict (pick a candidate, 1-based, or give a new value), or an item's status conflict with field "status". */
  readonly resolve: (ref: string, field: string, choice: ResolveChoice) => Result<Item, VaultError>;
  readonly totp: (ref: string) => Result<TotpCode, VaultError>;
  /** Rows that failed their integrity check: reported, never silently skipped. */
  readonly problems: () => readonly OpenError[];
  /**
   * Prepares new credentials: a new master password, and with `newSecretKey` a new Secret Key too
   * (`passwd --new-secret-key`, after a leak); nothing changes until `commit`.
   */
  readonly changePassword: (
    current: string,
    next: string,
    kdf?: KdfParams,
    newSecretKey?: SecretKey,
  ) => Promise<Result<CredentialChange, VaultError>>;
  /**
   * Whether `password` opens this vault's keys as its file holds them (one key derivation; nothing
   * changes): `wrong-credentials` if not. For a browser, which keeps no password while unlocked,
   * to confirm one before an action that needs it (a revocation, following a password change).
   */
  readonly checkPassword: (password: string) => Promise<Result<void, VaultError>>;
  /** The side of the vault the sync client uses. */
  readonly sync: VaultSync;
  /**
   * Runs several changes in one transaction: all commit together (one disk flush) or none do.
   * For imports and bulk edits; each change is still its own event.
   */
  readonly transact: <T>(changes: () => T) => T;
  /**
   * Calls `listener` after every commit through this vault object: local changes, applied sync
   * pages, snapshots and outbox bookkeeping (after the outermost transaction, never a rolled-back
   * one). Live queries (`live-query.ts`) re-run on it. Returns the unsubscribe.
   */
  readonly onCommit: (listener: () => void) => () => void;
  /**
   * Which items were written since `cursor` (a value an earlier call returned), so a live query
   * re-reads only those: their ids, or null when unknown (re-read everything). See
   * `ItemStore.changesSince`.
   */
  readonly itemChanges: (cursor?: string) => ItemChanges;
  /** The item with this exact id, unless it is purged, missing or fails its integrity check. */
  readonly itemById: (id: string) => Item | undefined;
  /** Drops the keys from memory and closes the file; every later call throws. */
  readonly lock: () => void;
}

export interface OpenVaultInput {
  readonly db: SqliteDatabase;
  readonly account: AccountRecord;
  readonly vaultKey: Parameters<typeof createVaultContext>[2];
  readonly deps: VaultDeps;
}

export const openVault = (input: OpenVaultInput): Vault => {
  const ctx = createVaultContext(input.db, input.account, input.vaultKey, input.deps);
  const { store } = ctx;
  const rejected = createRejectedChanges(ctx);
  const trust = createDeviceTrust(ctx, createKeyEpochs(ctx));
  const maxEventBytes = ctx.deps.unsafeMaxEventBytesForTests ?? MAX_SEALED_EVENT_BYTES;

  const readableItems = (): Item[] => {
    ctx.assertUnlocked();
    const items: Item[] = [];
    for (const result of store.readItems())
      if (result.ok && result.value.status !== "purged") items.push(result.value);
    return items;
  };
  const sortedItems = createSortedItems(store, () => ctx.db.inTransaction());
  /**
   * The lists made outside a transaction by filter, kept while no item changes: listing again
   * (an agent, a live query) then costs a copy of the answer instead of a filter of every item.
   */
  let keptLists = emptyKeptLists();

  /** Commits one local event built from the item's current view. */
  const commitLocal = (
    itemId: ItemId,
    buildOp: (view: ItemView | undefined) => EventOp,
  ): Result<Item, VaultError> => {
    ctx.assertUnlocked();
    const committed = store.transaction((): Result<Item, VaultError> => {
      const loaded = store.loadState(itemId);
      if (!loaded.ok) return loaded;
      const state = loaded.value ?? createItemState(itemId);
      const op = buildOp(loaded.value === undefined ? undefined : viewItem(state));
      const event: Event = {
        id: ctx.ids.eventId(),
        vaultId: ctx.account.vaultId,
        itemId,
        hlc: ctx.clock.tick(),
        op,
        checkpoint: ctx.verifiedCheckpoint(),
      };
      const payload = trust.sealItemEvent(event);
      // Refused here, not at the server: a change no server accepts would never sync.
      if (payload.length > maxEventBytes)
        return err({ kind: "too-large", bytes: payload.length, limit: maxEventBytes });
      applyToItem(state, event);
      if (!ctx.localOnly) rejected.settle(state);
      const written = store.commitEvents(
        [{ event, payload, origin: "local", enqueue: !ctx.localOnly }],
        new Map([[itemId, state]]),
      );
      ctx.saveClock();
      ctx.localChanges.written();
      return ok(written.get(itemId) as Item);
    });
    if (!ctx.db.inTransaction()) ctx.localChanges.settled(committed.ok);
    return committed;
  };

  const find = (ref: string, prefer: "live" | "trashed" = "live"): Result<Item, VaultError> => {
    const lower = ref.trim().toLowerCase();
    if (isUuid(lower)) {
      ctx.assertUnlocked();
      const direct = store.readItem(lower as ItemId);
      if (!direct.ok) return direct;
      if (direct.value !== undefined && direct.value.status !== "purged") return ok(direct.value);
    }
    const items = readableItems();
    let matches = isUuid(lower) ? items.filter((item) => item.id === lower) : [];
    if (matches.length === 0 && /^[0-9a-f-]{4,}$/.test(lower))
      matches = items.filter((item) => item.id.startsWith(lower));
    if (matches.length === 0)
      matches = items.filter((item) => item.title.trim().toLowerCase() === lower);
    if (matches.length > 1) {
      const preferred = matches.filter((item) => item.status === prefer);
      if (preferred.length >= 1) matches = preferred;
    }
    if (matches.length === 0) {
      // An id whose record fails its integrity check is reported as such, not as missing.
      const damaged =
        lower.length >= 4 ? vault.problems().find((p) => p.id.startsWith(lower)) : undefined;
      return err(damaged ?? { kind: "not-found", ref });
    }
    if (matches.length > 1) {
      return err({
        kind: "ambiguous",
        ref,
        matches: matches.map((item) => ({ id: item.id, title: item.title })),
      });
    }
    return ok(matches[0] as Item);
  };

  const changeLifecycle = (
    ref: string,
    kind: LifecycleKind,
    prefer: "live" | "trashed",
  ): Result<Item, VaultError> => {
    const item = find(ref, prefer);
    if (!item.ok) return item;
    const refusal = lifecycleRefusal(item.value, kind);
    if (refusal !== undefined) return err({ kind: "invalid-choice", reason: refusal });
    return commitLocal(item.value.id, (view) => lifecycleOp(view as ItemView, kind));
  };

  const resolveStatus = (item: Item, choice: ResolveChoice): Result<Item, VaultError> => {
    const conflict = item.conflicts.find((c) => c.kind === "edit-delete" || c.kind === "lifecycle");
    if (conflict === undefined)
      return err({ kind: "no-conflict", ref: item.title, field: "status" });
    const options = statusChoices(conflict);
    let kind: LifecycleKind | undefined;
    if ("pick" in choice) kind = options[choice.pick - 1];
    else if (choice.value === "live" || choice.value === "restore") kind = "restore";
    else if (choice.value === "trashed" || choice.value === "delete") kind = "delete";
    else if (choice.value === "purged" || choice.value === "purge") kind = "purge";
    if (kind === undefined) {
      return err({
        kind: "invalid-choice",
        reason: `choose ${options.map((o, i) => `--pick ${i + 1} (${o})`).join(" or ")}`,
      });
    }
    const chosen = kind;
    return commitLocal(item.id, (view) => lifecycleOp(view as ItemView, chosen));
  };

  const vault: Vault = {
    address: ctx.account.address,
    vaultId: ctx.account.vaultId,
    deviceId: ctx.account.deviceId,
    serverUrl: ctx.account.serverUrl,
    localOnly: ctx.localOnly,

    add: (input) => {
      const fields = checkFields({ type: input.type ?? "login", ...input.fields });
      if (!fields.ok) return fields;
      if (typeof fields.value["title"] !== "string")
        return err({ kind: "invalid-field", field: "title", reason: "is required" });
      if (input.id !== undefined) {
        ctx.assertUnlocked();
        const taken = isUuid(input.id) ? store.readItem(input.id) : undefined;
        if (taken === undefined || !taken.ok || taken.value !== undefined)
          return err({ kind: "invalid-field", field: "id", reason: "is not a free item id" });
      }
      return commitLocal(input.id ?? ctx.ids.itemId(), (view) => setFieldsOp(view, fields.value));
    },

    addMany: createAddMany(ctx, trust, maxEventBytes),

    edit: (ref, changes) => {
      const item = find(ref);
      if (!item.ok) return item;
      const checked = checkFields(changes);
      if (!checked.ok) return checked;
      const effective = Object.entries(checked.value).filter(([name, value]) => {
        const field = item.value.fields.find((f) => f.name === name);
        if (field === undefined) return value !== null;
        return field.conflict !== null || !fieldValuesEqual(field.value, value);
      });
      if (effective.length === 0) return item;
      // Fields whose current value comes from a change the server refused are written again, so
      // this edit carries the whole item on and settles that change (see rejected-changes.ts).
      const refused = new Set<string>(
        ctx.localOnly ? [] : rejected.list(item.value.id).map((change) => change.id),
      );
      return commitLocal(item.value.id, (view) => {
        const carried: Record<string, FieldValue> = {};
        for (const [name, field] of view?.fields ?? [])
          if (refused.has(field.current.eventId)) carried[name] = field.value;
        return setFieldsOp(view, { ...carried, ...Object.fromEntries(effective) });
      });
    },

    trash: (ref) => changeLifecycle(ref, "delete", "live"),
    restore: (ref) => changeLifecycle(ref, "restore", "trashed"),
    purge: (ref) => changeLifecycle(ref, "purge", "trashed"),
    get: (ref) => find(ref),

    list: (filter = {}) => {
      ctx.assertUnlocked();
      const items = sortedItems.current();
      const generation = sortedItems.generation();
      if (generation === undefined) return items.filter((item) => matchesFilter(item, filter));
      if (keptLists.generation !== generation) keptLists = { generation, lists: new Map() };
      const key = filterKey(filter);
      let listed = keptLists.lists.get(key);
      if (listed === undefined) {
        listed = items.filter((item) => matchesFilter(item, filter));
        if (keptLists.lists.size >= KEPT_LISTS) keptLists.lists.clear();
        keptLists.lists.set(key, listed);
      }
      // A copy: the caller may sort or change the array it gets.
      return listed.slice();
    },
    preloadItems: async (opener) => {
      ctx.assertUnlocked();
      if (ctx.db.inTransaction()) return;
      await store.preloadViews(opener);
    },

    history: (ref, field) => {
      const item = find(ref);
      if (!item.ok) return item;
      const rows = store.readHistory(item.value.id, field);
      if (!rows.ok) return rows;
      const heads = new Map<string, Set<string>>();
      const current = new Map<string, string>();
      for (const f of item.value.fields) {
        current.set(f.name, f.eventId);
        heads.set(f.name, new Set(f.conflict?.map((c) => c.eventId) ?? [f.eventId]));
      }
      const byField = new Map<string, FieldHistoryEntry[]>();
      const status: (Stamp & { eventId: string; action: LifecycleKind })[] = [];
      for (const row of rows.value) {
        const stamp = stampOf(row.hlc);
        if (row.field === STATUS_FIELD) {
          status.push({ ...stamp, eventId: row.eventId, action: row.value as LifecycleKind });
          continue;
        }
        const entries = byField.get(row.field) ?? [];
        entries.push({
          ...stamp,
          eventId: row.eventId,
          value: row.value as FieldValue,
          current: current.get(row.field) === row.eventId,
          head: heads.get(row.field)?.has(row.eventId) ?? false,
        });
        byField.set(row.field, entries);
      }
      return ok({
        item: item.value,
        fields: [...byField].map(([name, entries]) => ({
          name,
          secret: entries.some((e) => isSecretField(name, e.value)),
          entries,
        })),
        status,
      });
    },

    oldestWrites: () => {
      ctx.assertUnlocked();
      const kept = store.itemsWithKeptHistory();
      const oldest = new Map<ItemId, number>();
      // Every write of a state is one of its applied events, and `created` is the oldest of those.
      for (const item of sortedItems.current())
        if (!kept.has(item.id)) oldest.set(item.id, item.created.at);
      return oldest;
    },

    conflicts: () =>
      readableItems().flatMap((item) => item.conflicts.map((conflict) => ({ item, conflict }))),

    resolve: (ref, field, choice) => {
      const item = find(ref);
      if (!item.ok) return item;
      if (field === "status" || field === STATUS_FIELD) return resolveStatus(item.value, choice);
      // A conflict whose current value is a removal has no field in the view: read it from the conflicts.
      const candidates = item.value.conflicts.find(
        (c): c is Extract<ItemConflict, { kind: "field" }> =>
          c.kind === "field" && c.field === field,
      )?.candidates;
      if (candidates === null || candidates === undefined)
        return err({ kind: "no-conflict", ref, field });
      let value: FieldValue;
      if ("pick" in choice) {
        const picked = candidates[choice.pick - 1];
        if (picked === undefined)
          return err({
            kind: "invalid-choice",
            reason: `pick a value from 1 to ${candidates.length}`,
          });
        value = picked.value;
      } else {
        const checked = checkField(field, choice.value);
        if (!checked.ok) return checked;
        value = checked.value;
      }
      return commitLocal(item.value.id, (view) => setFieldsOp(view, { [field]: value }));
    },

    totp: (ref) => {
      const item = find(ref);
      if (!item.ok) return item;
      const secret = item.value.fields.find((f) => f.name === "totp")?.value;
      if (typeof secret !== "string" || secret === "")
        return err({ kind: "no-totp", ref, reason: "the item has no totp field" });
      if (secret.startsWith("otpauth://")) {
        const parsed = parseOtpauthUri(secret);
        if (!parsed.ok) return err({ kind: "no-totp", ref, reason: parsed.error.reason });
        return ok(totpCode(parsed.value.config, ctx.deps.now()));
      }
      const bytes = parseBase32(secret);
      if (!bytes.ok) return err({ kind: "no-totp", ref, reason: "the secret is not valid base32" });
      return ok(
        totpCode({ secret: bytes.value, algorithm: "SHA1", digits: 6, period: 30 }, ctx.deps.now()),
      );
    },

    problems: () => {
      ctx.assertUnlocked();
      return store.readItems().flatMap((result) => (result.ok ? [] : [result.error]));
    },

    checkPassword: async (password) => {
      ctx.assertUnlocked();
      const keys = await unlockKeys(ctx.account, password, ctx.deps);
      if (!keys.ok) return keys;
      const { epochKeys, secretKey, authSecret, wrapKey } = keys.value;
      wipe(...epochKeys, secretKey, authSecret, wrapKey);
      return ok(undefined);
    },

    changePassword: async (current, next, kdf, newSecretKey) => {
      ctx.assertUnlocked();
      const keys = await unlockKeys(ctx.account, current, ctx.deps);
      if (!keys.ok) return keys;
      wipe(keys.value.wrapKey);
      // The new copy holds every epoch's key (docs/PROTOCOL.md 16.7), not vault key 0 alone.
      const epochKeys = epochKeyList(trust.epochs, keys.value.epochKeys) ?? keys.value.epochKeys;
      const salt = ctx.deps.randomBytes(16).slice(0, 16);
      const params = kdf ?? ctx.account.kdf;
      const sealed = await sealCredentials({
        address: ctx.account.address,
        password: next,
        secretKey: newSecretKey ?? keys.value.secretKey,
        salt,
        kdf: params,
        vaultId: ctx.account.vaultId,
        vaultKey: keys.value.vaultKey,
        epochKeys,
        deps: ctx.deps,
      });
      if (!sealed.ok) return sealed;
      const record: AccountRecord = {
        ...ctx.account,
        kdf: params,
        salt,
        wrappedVaultKey: sealed.value.wrappedVaultKey,
        sealedSecretKey: sealed.value.sealedSecretKey,
      };
      return ok({
        previousAuthSecret: keys.value.authSecret,
        authSecret: sealed.value.authSecret,
        kdf: params,
        salt,
        wrappedVaultKey: sealed.value.wrappedVaultKey,
        commit: () => {
          ctx.assertUnlocked();
          writeAccountRecord(ctx.db, record);
          ctx.account = record;
        },
      });
    },

    transact: (changes) => {
      ctx.assertUnlocked();
      let committed = false;
      try {
        const result = ctx.db.transaction(changes);
        committed = true;
        return result;
      } finally {
        // The changes inside committed to the outer transaction only; if it rolled back, so did they.
        if (!committed) store.discardCachedStates();
        if (!ctx.db.inTransaction()) ctx.localChanges.settled(committed);
      }
    },
    sync: createVaultSync(ctx, rejected, trust),
    onCommit: ctx.onCommit,
    itemChanges: (cursor) => {
      ctx.assertUnlocked();
      return store.changesSince(cursor);
    },
    itemById: (id) => {
      ctx.assertUnlocked();
      const read = store.readItem(id as ItemId);
      return read.ok && read.value !== undefined && read.value.status !== "purged"
        ? read.value
        : undefined;
    },
    lock: () => {
      keptLists = emptyKeptLists();
      ctx.lock();
    },
  };
  return vault;
};

/**
 * The choices that settle a status conflict, in the order `resolve --pick N` numbers them: the
 * distinct actions of concurrent lifecycle changes, or keep (restore) / delete for an edit made
 * while the item was deleted.
 */
export const statusChoices = (
  conflict: Extract<ItemConflict, { kind: "lifecycle" | "edit-delete" }>,
): readonly LifecycleKind[] =>
  conflict.kind === "lifecycle"
    ? [...new Set(conflict.candidates.map((c) => c.action))]
    : ["restore", "delete"];

/** Why a lifecycle change would do nothing (restoring a live item, trashing a trashed one), if it would. */
const lifecycleRefusal = (item: Item, kind: LifecycleKind): string | undefined => {
  const settling = item.conflicts.some((c) => c.kind === "edit-delete" || c.kind === "lifecycle");
  if (settling) return undefined;
  if (kind === "restore" && item.status === "live") return `"${item.title}" is not in the trash`;
  if (kind === "delete" && item.status === "trashed")
    return `"${item.title}" is already in the trash`;
  return undefined;
};

const stampOf = (hlc: Hlc): Stamp => ({ at: hlc.millis, device: hlc.node });

export type { VaultContext };

/** How many filters' lists `list` keeps at once (a screen shows a few: the list, the trash, a tag). */
const KEPT_LISTS = 8;

const emptyKeptLists = (): { generation: number; lists: Map<string, readonly Item[]> } => ({
  generation: -1,
  lists: new Map(),
});
