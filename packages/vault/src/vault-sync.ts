/**
 * The side of an unlocked vault that the sync client drives: the outbox of local events waiting
 * for the server's order, applying pages of server-ordered events (already verified against the
 * chain) in one transaction, and the state of each local change.
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import {
  applyToItem,
  type ChainHash,
  type Checkpoint,
  createItemState,
  type EventId,
  type EventStore,
  GENESIS,
  GENESIS_HASH,
  type ItemId,
  type ItemState,
  type StoredEvent,
} from "@keypears/sync-core";
import type { EventToCommit } from "./item-store.ts";
import { type OpenError, openEvent } from "./sealing.ts";
import { createSqliteEventStore } from "./sqlite-event-store.ts";
import { transactionResult } from "./sqlite.ts";
import { encodeCheckpoint, type VaultContext } from "./vault-context.ts";

export interface PendingEvent {
  readonly id: EventId;
  readonly payload: Uint8Array;
  /** `pending`: saved locally; `sent`: pushed, no order from the server seen yet. */
  readonly state: "pending" | "sent";
  readonly attempts: number;
}

export type ApplyError =
  | OpenError
  /** The server served an event under the id of one of ours with other bytes. */
  | { readonly kind: "id-conflict"; readonly id: EventId }
  /** The server served one of our events at a position other than the one it gave us. */
  | { readonly kind: "moved"; readonly id: EventId; readonly position: number }
  /**
   * An event's author had verified a different history at `position` than this device did:
   * the server showed the two devices different histories.
   */
  | { readonly kind: "fork"; readonly id: EventId; readonly position: number };

export interface SyncStatus {
  readonly pending: number;
  readonly sent: number;
  /** Events of this device that the server has ordered. */
  readonly ordered: number;
  readonly verified: Checkpoint;
  readonly lastSyncAt: number | null;
}

export interface VaultSync {
  readonly localOnly: boolean;
  /** Outbox entries, oldest first, each checked to open under this vault's key before it leaves. */
  readonly pending: (limit: number) => Result<readonly PendingEvent[], OpenError>;
  readonly markSent: (ids: readonly EventId[]) => void;
  /** Applies server-ordered events that follow the verified checkpoint, and moves the checkpoint to `verified`. */
  readonly applyOrdered: (
    events: readonly StoredEvent[],
    verified: Checkpoint,
  ) => Result<{ readonly applied: number }, ApplyError>;
  readonly verified: () => Checkpoint;
  readonly status: () => SyncStatus;
  readonly recordSyncTime: () => void;
  /** The server-ordered log of this file, as the `EventStore` port. */
  readonly eventStore: EventStore;
}

export const createVaultSync = (ctx: VaultContext): VaultSync => {
  const { db } = ctx;
  const vaultId = ctx.account.vaultId;
  const selectPending = db.prepare(
    `SELECT o.event_id AS id, e.payload, o.state, o.attempts FROM outbox o
     JOIN events e ON e.vault_id = o.vault_id AND e.id = o.event_id WHERE o.vault_id = ? ORDER BY o.seq LIMIT ?`,
  );
  const markSent = db.prepare(
    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_attempt_at = ? WHERE vault_id = ? AND event_id = ?",
  );
  const selectEvent = db.prepare(
    "SELECT payload, position FROM events WHERE vault_id = ? AND id = ?",
  );
  const order = db.prepare(
    "UPDATE events SET position = ?, chain_hash = ? WHERE vault_id = ? AND id = ?",
  );
  const dequeue = db.prepare("DELETE FROM outbox WHERE vault_id = ? AND event_id = ?");
  const selectHashAt = db.prepare(
    "SELECT chain_hash FROM events WHERE vault_id = ? AND position = ?",
  );
  const countOutbox = db.prepare(
    "SELECT state, count(*) AS n FROM outbox WHERE vault_id = ? GROUP BY state",
  );
  const countOrdered = db.prepare(
    "SELECT count(*) AS n FROM events WHERE vault_id = ? AND origin = 'local' AND position IS NOT NULL",
  );

  const verified = (): Checkpoint => ctx.verifiedCheckpoint() ?? GENESIS;

  /** Does the author's embedded checkpoint agree with this device's own chain? Unknown positions cannot be checked yet. */
  const agreesWithOwnChain = (
    checkpoint: Checkpoint,
    pageHashes: ReadonlyMap<number, Uint8Array>,
  ): boolean => {
    if (checkpoint.position === 0) return bytesEqual(checkpoint.hash, GENESIS_HASH);
    const mine =
      pageHashes.get(checkpoint.position) ??
      (selectHashAt.get(vaultId, checkpoint.position) as { chain_hash: Uint8Array } | undefined)
        ?.chain_hash;
    return mine === undefined || bytesEqual(mine, checkpoint.hash);
  };

  return {
    localOnly: ctx.localOnly,
    pending: (limit) => {
      ctx.assertUnlocked();
      const rows = selectPending.all(vaultId, limit) as PendingEvent[];
      for (const row of rows) {
        const opened = openEvent(ctx.keys, vaultId, row);
        if (!opened.ok) return opened;
      }
      return ok(rows);
    },
    markSent: (ids) => {
      ctx.assertUnlocked();
      db.transaction(() => {
        const at = ctx.deps.now();
        for (const id of ids) markSent.run(at, vaultId, id);
      });
    },
    applyOrdered: (events, nextVerified) => {
      ctx.assertUnlocked();
      return transactionResult(db, (): Result<{ readonly applied: number }, ApplyError> => {
        const states = new Map<ItemId, ItemState>();
        const toCommit: EventToCommit[] = [];
        const pageHashes = new Map<number, Uint8Array>();
        for (const stored of events) {
          pageHashes.set(stored.position, stored.chainHash);
          const existing = selectEvent.get(vaultId, stored.id) as
            { payload: Uint8Array; position: number | null } | undefined;
          if (existing !== undefined) {
            if (!bytesEqual(existing.payload, stored.payload))
              return err({ kind: "id-conflict", id: stored.id });
            if (existing.position === null) {
              order.run(stored.position, stored.chainHash, vaultId, stored.id);
              dequeue.run(vaultId, stored.id);
            } else if (existing.position !== stored.position) {
              return err({ kind: "moved", id: stored.id, position: stored.position });
            }
            continue;
          }
          const opened = openEvent(ctx.keys, vaultId, stored);
          if (!opened.ok) return opened;
          const event = opened.value;
          if (event.checkpoint !== null && !agreesWithOwnChain(event.checkpoint, pageHashes)) {
            return err({ kind: "fork", id: event.id, position: event.checkpoint.position });
          }
          let state = states.get(event.itemId);
          if (state === undefined) {
            const loaded = ctx.store.loadState(event.itemId);
            if (!loaded.ok) return loaded;
            state = loaded.value ?? createItemState(event.itemId);
            states.set(event.itemId, state);
          }
          applyToItem(state, event);
          ctx.clock.receive(event.hlc);
          toCommit.push({
            event,
            payload: stored.payload,
            origin: "remote",
            enqueue: false,
            position: stored.position,
            chainHash: stored.chainHash as ChainHash,
          });
        }
        ctx.store.commitEvents(toCommit, states);
        ctx.writeState("verified", encodeCheckpoint(nextVerified));
        ctx.saveClock();
        return ok({ applied: toCommit.length });
      });
    },
    verified,
    status: () => {
      ctx.assertUnlocked();
      const counts = new Map(
        (countOutbox.all(vaultId) as { state: string; n: number }[]).map((r) => [r.state, r.n]),
      );
      const lastSync = ctx.readState("last-sync");
      return {
        pending: counts.get("pending") ?? 0,
        sent: counts.get("sent") ?? 0,
        ordered: (countOrdered.get(vaultId) as { n: number }).n,
        verified: verified(),
        lastSyncAt: lastSync === undefined ? null : Number(new TextDecoder().decode(lastSync)),
      };
    },
    recordSyncTime: () =>
      ctx.writeState("last-sync", new TextEncoder().encode(String(ctx.deps.now()))),
    eventStore: createSqliteEventStore(db, ctx.deps.now),
  };
};
