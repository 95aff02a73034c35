/**
 * Checking a vault file and rebuilding what can be derived. The event log is the source of truth
 * on a device: an item's row (its sealed merge state and view) and its history rows are derived
 * from the item's events, so a damaged or missing row need not make the item vanish. The doctor
 * opens every event, item and history row, rebuilds from the events every item whose rows fail
 * (or are missing), and reports what it could not: events that no longer open (for a synced
 * account the server still holds them), items left with no readable event.
 */

import { type VaultKey, wipe } from "@keypears/crypto";
import {
  applyToItem,
  createItemState,
  type EventId,
  type ItemId,
  type ItemState,
} from "@keypears/sync-core";
import type { AccountRecord, VaultDeps } from "./account-record.ts";
import { createDeviceTrust, openStoredItemEvent } from "./device-trust.ts";
import { createKeyEpochs } from "./key-epochs.ts";
import { createPulledEventReader } from "./pulled-events.ts";
import type { OpenError } from "./sealing.ts";
import type { SqliteDatabase } from "./sqlite.ts";
import { createVaultContext } from "./vault-context.ts";

export interface DoctorReport {
  /** Events, item rows and history rows opened. */
  readonly checked: { readonly events: number; readonly items: number };
  /** Items whose rows failed (or were missing) and were rebuilt from their events. */
  readonly rebuilt: readonly { readonly itemId: ItemId; readonly events: number }[];
  /** Items whose rows fail and that `repair` would rebuild (a check without repair). */
  readonly needsRebuild: readonly ItemId[];
  /** What could not be read or rebuilt. */
  readonly unrecoverable: readonly OpenError[];
}

export interface DoctorInput {
  readonly db: SqliteDatabase;
  readonly account: AccountRecord;
  readonly vaultKey: VaultKey;
  readonly deps: VaultDeps;
  /** Rebuild what fails; without it the file is only read. */
  readonly repair: boolean;
}

interface EventRow {
  readonly id: EventId;
  readonly item_id: ItemId | null;
  readonly payload: Uint8Array;
}

/** Checks the vault in `db` (and with `repair`, rebuilds it); closes `db` and wipes the key. */
export const doctorVault = (input: DoctorInput): DoctorReport => {
  const ctx = createVaultContext(input.db, input.account, input.vaultKey, input.deps);
  try {
    return examine(ctx, input.repair);
  } finally {
    ctx.lock();
    wipe(input.vaultKey);
  }
};

const examine = (ctx: ReturnType<typeof createVaultContext>, repair: boolean): DoctorReport => {
  const { db, store } = ctx;
  const vaultId = ctx.account.vaultId;
  const unrecoverable: OpenError[] = [];

  // The events that make up the items: for a synced account, a local event with no server
  // position and no outbox entry was dropped (a rejected change let go) and is not part of them.
  const rows = db
    .prepare(
      ctx.localOnly
        ? "SELECT id, item_id, payload FROM events WHERE vault_id = ? ORDER BY created_at, rowid"
        : `SELECT e.id, e.item_id, e.payload FROM events e
           WHERE e.vault_id = ? AND (e.position IS NOT NULL OR e.origin = 'remote'
             OR EXISTS (SELECT 1 FROM outbox o WHERE o.vault_id = e.vault_id AND o.event_id = e.id))
           ORDER BY e.position IS NULL, e.position, e.created_at, e.rowid`,
    )
    .all(vaultId) as EventRow[];
  const epochs = createKeyEpochs(ctx);
  const rosterKey = db.prepare("SELECT signing_key AS key FROM roster WHERE device_id = ?");
  // This device's own key is in its sealed state even before it enrolled (a local-only account
  // never does); other devices' keys are in the roster it verified.
  const signingKeyOf = (signer: string): Uint8Array | undefined =>
    (rosterKey.get(signer) as { key: Uint8Array } | undefined)?.key ??
    (signer === ctx.account.deviceId
      ? createDeviceTrust(ctx, epochs).keys().signingKey
      : undefined);
  // A deferred item (a pull that did not finish) is read as its row and its pulled events.
  store.readPulledEventsWith(createPulledEventReader(db, vaultId, epochs.keysOf, signingKeyOf));
  const statesByItem = new Map<ItemId, ItemState>();
  const eventsByItem = new Map<ItemId, number>();
  for (const row of rows) {
    const opened = openStoredItemEvent(
      epochs.keysOf,
      vaultId,
      { id: row.id, payload: row.payload },
      signingKeyOf,
    );
    if (!opened.ok) {
      unrecoverable.push(opened.error);
      continue;
    }
    // A roster event (device trust) belongs to no item.
    if (opened.value === undefined) continue;
    const event = opened.value;
    let state = statesByItem.get(event.itemId);
    if (state === undefined) {
      state = createItemState(event.itemId);
      statesByItem.set(event.itemId, state);
    }
    applyToItem(state, event);
    eventsByItem.set(event.itemId, (eventsByItem.get(event.itemId) ?? 0) + 1);
  }

  // Which items' rows fail: the view, the merge state, or any history row; or no row at all.
  const failing = new Set<ItemId>();
  const itemRows = db.prepare("SELECT id FROM items ORDER BY id").all() as { id: ItemId }[];
  const rowIds = new Set(itemRows.map((r) => r.id));
  const itemFailures = new Map<ItemId, OpenError>();
  for (const { id } of itemRows) {
    const view = store.readItem(id);
    const state = store.loadState(id);
    const history = store.readHistory(id);
    const failure = !view.ok
      ? view.error
      : !state.ok
        ? state.error
        : !history.ok
          ? history.error
          : undefined;
    if (failure !== undefined) {
      failing.add(id);
      itemFailures.set(id, failure);
    }
  }
  for (const itemId of statesByItem.keys()) if (!rowIds.has(itemId)) failing.add(itemId);

  const rebuilt: { itemId: ItemId; events: number }[] = [];
  const needsRebuild: ItemId[] = [];
  const deleteHistory = db.prepare("DELETE FROM history WHERE item_id = ?");
  for (const itemId of failing) {
    const state = statesByItem.get(itemId);
    if (state === undefined || state.applied.size === 0) {
      // A row with no readable event behind it: nothing to rebuild it from.
      unrecoverable.push(
        itemFailures.get(itemId) ?? { kind: "tampered", what: "item", id: itemId },
      );
      continue;
    }
    if (!repair) {
      needsRebuild.push(itemId);
      continue;
    }
    store.transaction(() => {
      deleteHistory.run(itemId);
      store.importItem(state);
      return { ok: true, value: undefined } as const;
    });
    rebuilt.push({ itemId, events: eventsByItem.get(itemId) ?? 0 });
  }
  return {
    checked: { events: rows.length, items: itemRows.length },
    rebuilt,
    needsRebuild,
    unrecoverable,
  };
};
