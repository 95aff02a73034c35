/**
 * The push requests of protocol version 3 (docs/PROTOCOL.md 18.4): item events are sealed unsigned
 * at the edit, and before they leave, one signed batch event names the event hash of each, going
 * first in their request. A batch event is one of this device's own events, kept in the outbox
 * (its entry's `batch_id` is its own id; a covered entry's `batch_id` names its batch), so a retried
 * push sends the same batch with the same events, and the server's duplicate rule keeps one copy.
 *
 * A request never separates a batch from the entries it covers that are still waiting: a batch at
 * position q naming k events covers positions q + 1 to q + k only (18.3), which holds when its
 * events follow it in the same request. Entries covered by a batch the server has already placed
 * (a change left out of that request) get a new batch.
 */

import {
  BATCH_SIGNED_PAYLOAD_VERSION,
  type Checkpoint,
  envelopeBytes,
  type EventEnvelope,
  type EventId,
  hashEvent,
  payloadVersion,
  type VaultId,
} from "@keypears/sync-core";
import type { SqliteDatabase } from "./sqlite.ts";

/** An outbox entry as the push reads it. */
export interface OutboxEntry {
  readonly id: EventId;
  readonly payload: Uint8Array;
  /** `pending`: saved locally; `sent`: pushed, no answer yet; `ordered`: the server gave it a position. */
  readonly state: "pending" | "sent" | "ordered";
  readonly position: number | null;
  readonly attempts: number;
  /**
   * On an item event of protocol version 3, the batch event that signs it; on a batch event, its
   * own id; null on what is signed by itself (roster events, item events written before version 3).
   */
  readonly batchId: EventId | null;
}

/**
 * The most item events one batch names. A batch event is a payload like any other, within the
 * protocol's size limit (`MAX_SEALED_EVENT_BYTES`): about 170 bytes and 32 per event
 * (`outbox-batches.test.ts` checks that this many fit).
 */
export const MAX_BATCH_EVENTS = 2000;

export interface OutboxBatches {
  /**
   * The next request: up to `limit` outbox entries waiting to be pushed (after `after`, in outbox
   * order), each batch event just ahead of the entries it covers; item events no usable batch
   * covers get one, written here (signed by `sign`). It may hold fewer than `limit` while more
   * wait (a batch's entries that do not fit go in the next request, whole): read until empty.
   */
  readonly next: (limit: number, after?: EventId) => readonly OutboxEntry[];
  /**
   * Covers these waiting item events (of version 3) with one new batch event: what a request
   * split in two sends in each half. Returns the batch followed by the entries, in outbox order.
   */
  readonly rebatch: (ids: readonly EventId[]) => readonly OutboxEntry[];
}

export interface OutboxBatchesDeps {
  readonly db: SqliteDatabase;
  readonly vaultId: VaultId;
  /** Signs a new batch event over these event hashes, with this device's verified checkpoint. */
  readonly sign: (hashes: readonly Uint8Array[], checkpoint: Checkpoint | null) => EventEnvelope;
  readonly checkpoint: () => Checkpoint | null;
  readonly now: () => number;
}

/** Is this an item event written by protocol version 3, which a batch must sign? */
export const needsBatch = (payload: Uint8Array): boolean =>
  payloadVersion(payload) === BATCH_SIGNED_PAYLOAD_VERSION;

const COLUMNS = `o.event_id AS id, e.payload, o.state, o.position, o.attempts, o.batch_id AS batchId
  FROM outbox o JOIN events e ON e.vault_id = o.vault_id AND e.id = o.event_id`;
const WAITING = "o.state IN ('pending', 'sent')";
const NOT_A_BATCH = "(o.batch_id IS NULL OR o.batch_id <> o.event_id)";

export const createOutboxBatches = (deps: OutboxBatchesDeps): OutboxBatches => {
  const { db, vaultId } = deps;
  const selectNext = db.prepare(
    `SELECT ${COLUMNS} WHERE o.vault_id = ? AND ${WAITING} AND ${NOT_A_BATCH} ORDER BY o.seq LIMIT ?`,
  );
  const selectNextAfter = db.prepare(
    `SELECT ${COLUMNS} WHERE o.vault_id = ? AND ${WAITING} AND ${NOT_A_BATCH}
       AND o.seq > (SELECT seq FROM outbox WHERE vault_id = ? AND event_id = ?)
     ORDER BY o.seq LIMIT ?`,
  );
  const selectBatch = db.prepare(
    `SELECT ${COLUMNS} WHERE o.vault_id = ? AND o.event_id = ? AND o.batch_id = o.event_id`,
  );
  const selectMembers = db.prepare(
    `SELECT ${COLUMNS} WHERE o.vault_id = ? AND o.batch_id = ? AND o.event_id <> o.batch_id
       AND ${WAITING} ORDER BY o.seq`,
  );
  const selectEntry = db.prepare(`SELECT ${COLUMNS} WHERE o.vault_id = ? AND o.event_id = ?`);
  const selectOrphans = db.prepare(
    `SELECT o.event_id AS id FROM outbox o WHERE o.vault_id = ? AND o.batch_id = o.event_id
       AND ${WAITING} AND NOT EXISTS (
         SELECT 1 FROM outbox m WHERE m.batch_id = o.event_id AND m.event_id <> m.batch_id
           AND m.state IN ('pending', 'sent'))`,
  );
  const deleteEntry = db.prepare("DELETE FROM outbox WHERE vault_id = ? AND event_id = ?");
  const deleteUnplacedEvent = db.prepare(
    "DELETE FROM events WHERE vault_id = ? AND id = ? AND position IS NULL",
  );
  const insertEvent = db.prepare(
    "INSERT INTO events (vault_id, id, item_id, payload, position, chain_hash, origin, created_at) VALUES (?, ?, NULL, ?, NULL, NULL, 'local', ?)",
  );
  const insertBatchEntry = db.prepare(
    "INSERT INTO outbox (vault_id, event_id, state, batch_id) VALUES (?, ?, 'pending', ?)",
  );
  const cover = db.prepare("UPDATE outbox SET batch_id = ? WHERE vault_id = ? AND event_id = ?");

  /** Writes a batch event over `entries` and points them to it; the batch first, then them. */
  const writeBatch = (entries: readonly OutboxEntry[]): OutboxEntry[] => {
    const hashes = entries.map((entry) => hashEvent(envelopeBytes(entry)));
    const batch = deps.sign(hashes, deps.checkpoint());
    insertEvent.run(vaultId, batch.id, batch.payload, deps.now());
    insertBatchEntry.run(vaultId, batch.id, batch.id);
    for (const entry of entries) cover.run(batch.id, vaultId, entry.id);
    return [
      {
        id: batch.id,
        payload: batch.payload,
        state: "pending",
        position: null,
        attempts: 0,
        batchId: batch.id,
      },
      ...entries.map((entry) => ({ ...entry, batchId: batch.id })),
    ];
  };

  /** A batch a retried request may send again: written here and not yet placed by the server. */
  const usableBatch = (batchId: EventId | null): OutboxEntry | undefined => {
    if (batchId === null) return undefined;
    const batch = selectBatch.get(vaultId, batchId) as OutboxEntry | undefined;
    return batch !== undefined && (batch.state === "pending" || batch.state === "sent")
      ? batch
      : undefined;
  };

  /** Batches no waiting entry needs any more (their events were refused, or re-covered). */
  const forgetOrphans = (): void => {
    for (const { id } of selectOrphans.all(vaultId) as { id: EventId }[]) {
      deleteEntry.run(vaultId, id);
      deleteUnplacedEvent.run(vaultId, id);
    }
  };

  const next: OutboxBatches["next"] = (limit, after) =>
    db.transaction(() => {
      if (after === undefined) forgetOrphans();
      const rows = (
        after === undefined
          ? selectNext.all(vaultId, limit)
          : selectNextAfter.all(vaultId, vaultId, after, limit)
      ) as OutboxEntry[];
      const out: OutboxEntry[] = [];
      const sent = new Set<EventId>();
      let index = 0;
      while (index < rows.length && out.length < limit) {
        const row = rows[index] as OutboxEntry;
        if (sent.has(row.id)) {
          index++;
          continue;
        }
        if (!needsBatch(row.payload)) {
          out.push(row);
          index++;
          continue;
        }
        const batch = usableBatch(row.batchId);
        if (batch !== undefined) {
          const members = selectMembers.all(vaultId, batch.id) as OutboxEntry[];
          if (out.length + 1 + members.length > limit) {
            if (out.length > 0) break;
            // A limit smaller than when the batch was written: the entries that fit get a new one.
            out.push(...writeBatch(members.slice(0, Math.max(1, limit - 1))));
            break;
          }
          out.push(batch, ...members);
          for (const member of members) sent.add(member.id);
          continue;
        }
        // A run of item events without a usable batch: one new batch, within the request.
        const room = Math.min(limit - out.length - 1, MAX_BATCH_EVENTS);
        if (room < 1) break;
        const run: OutboxEntry[] = [];
        while (index < rows.length && run.length < room) {
          const candidate = rows[index] as OutboxEntry;
          if (!needsBatch(candidate.payload) || usableBatch(candidate.batchId) !== undefined) break;
          run.push(candidate);
          index++;
        }
        out.push(...writeBatch(run));
      }
      return out;
    });

  const rebatch: OutboxBatches["rebatch"] = (ids) =>
    db.transaction(() => {
      const entries = ids.map((id) => selectEntry.get(vaultId, id) as OutboxEntry | undefined);
      const waiting = entries.filter(
        (entry): entry is OutboxEntry =>
          entry !== undefined &&
          needsBatch(entry.payload) &&
          (entry.state === "pending" || entry.state === "sent"),
      );
      if (waiting.length === 0) return [];
      return writeBatch(waiting);
    });

  return { next, rebatch };
};
