/**
 * Local changes the server refused for good (too large, invalid): set aside in the outbox as
 * `rejected` with the reason, so the changes after them still sync. Each is settled by a later
 * local change that supersedes all it wrote (editing the item), or dropped by the user. Either
 * way it is taken out of the item's merge state, so this device converges with the others, which
 * never saw it; it stays in this device's log and field history.
 */

import { err, ok, type Result } from "@keypears/base";
import { type EventId, forgetEvent, type ItemId, type ItemState } from "@keypears/sync-core";
import type { VaultError } from "./errors.ts";
import type { VaultContext } from "./vault-context.ts";

export interface RejectedChange {
  /** The change's event id. */
  readonly id: EventId;
  readonly itemId: ItemId;
  /** The item's title now, or null when the item cannot be read (or the change made it). */
  readonly title: string | null;
  /** Why it was refused: sizes and limits, never item content. */
  readonly reason: string;
  /** The size of the sealed event. */
  readonly bytes: number;
}

export interface RejectedChanges {
  /** Sets an outbox entry aside for good; it is no longer pushed. */
  readonly reject: (id: EventId, reason: string) => void;
  /** Every rejected change, oldest first, or those of one item. */
  readonly list: (itemId?: ItemId) => readonly RejectedChange[];
  /**
   * After a local change was applied to an item's state, before the state is written: its
   * rejected changes whose every write a later write supersedes leave the outbox and the state
   * (the later change carries the item on). Call inside the commit.
   */
  readonly settle: (state: ItemState) => void;
  /** Drops a rejected change by event id or unique prefix (4+ characters). */
  readonly drop: (ref: string) => Result<RejectedChange, VaultError>;
}

export const createRejectedChanges = (ctx: VaultContext): RejectedChanges => {
  const { db, store } = ctx;
  const vaultId = ctx.account.vaultId;
  const markRejected = db.prepare(
    "UPDATE outbox SET state = 'rejected', reason = ? WHERE vault_id = ? AND event_id = ? AND state IN ('pending', 'sent')",
  );
  const selectRejected = db.prepare(
    `SELECT o.event_id AS id, e.item_id AS itemId, o.reason, length(e.payload) AS bytes FROM outbox o
     JOIN events e ON e.vault_id = o.vault_id AND e.id = o.event_id
     WHERE o.vault_id = ? AND o.state = 'rejected' ORDER BY o.seq`,
  );
  const selectRejectedOf = db.prepare(
    `SELECT o.event_id AS id, e.item_id AS itemId, o.reason, length(e.payload) AS bytes FROM outbox o
     JOIN events e ON e.vault_id = o.vault_id AND e.id = o.event_id
     WHERE o.vault_id = ? AND o.state = 'rejected' AND e.item_id = ? ORDER BY o.seq`,
  );
  const dequeue = db.prepare(
    "DELETE FROM outbox WHERE vault_id = ? AND event_id = ? AND state = 'rejected'",
  );

  type Row = Omit<RejectedChange, "title">;
  const withTitle = (row: Row): RejectedChange => {
    const item = store.readItem(row.itemId);
    return { ...row, title: item.ok && item.value !== undefined ? item.value.title : null };
  };

  const list = (itemId?: ItemId): readonly RejectedChange[] => {
    ctx.assertUnlocked();
    const rows = (
      itemId === undefined ? selectRejected.all(vaultId) : selectRejectedOf.all(vaultId, itemId)
    ) as Row[];
    return rows.map(withTitle);
  };

  /** Does some write supersede every write (or the lifecycle change) the event made? */
  const superseded = (state: ItemState, id: EventId): boolean => {
    const applied = state.applied.get(id);
    if (applied === undefined) return false;
    if (applied.kind !== "set") return state.lifecycleSuperseded.has(id);
    for (const field of state.fields.values())
      if (field.writes.has(id) && !field.superseded.has(id)) return false;
    return true;
  };

  return {
    reject: (id, reason) => {
      ctx.assertUnlocked();
      db.transaction(() => markRejected.run(reason, vaultId, id));
    },
    list,
    settle: (state) => {
      for (const row of selectRejectedOf.all(vaultId, state.itemId) as Row[])
        if (superseded(state, row.id)) {
          store.keepHistoryOf(state, row.id);
          forgetEvent(state, row.id);
          dequeue.run(vaultId, row.id);
        }
    },
    drop: (ref) => {
      const wanted = ref.trim().toLowerCase();
      const matches =
        wanted.length < 4 ? [] : list().filter((change) => change.id.startsWith(wanted));
      const change = matches[0];
      if (change === undefined || matches.length > 1)
        return err({ kind: "no-rejected-change", ref, matches: matches.length });
      return store.transaction((): Result<RejectedChange, VaultError> => {
        const loaded = store.loadState(change.itemId);
        if (!loaded.ok) return loaded;
        if (loaded.value !== undefined && loaded.value.applied.has(change.id)) {
          store.keepHistoryOf(loaded.value, change.id);
          forgetEvent(loaded.value, change.id);
          store.rewriteItem(loaded.value);
        }
        dequeue.run(vaultId, change.id);
        return ok(change);
      });
    },
  };
};
