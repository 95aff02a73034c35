/**
 * The covers of verified batch events (docs/PROTOCOL.md 18.3), kept in the vault file (table
 * `batch_covers`) until the events they name arrive: a page may end between a batch and its
 * events, and the next page may come in another session. A batch at position q that names k
 * events covers them at positions q + 1 to q + k only, so what a forged or garbled batch leaves
 * behind is forgotten once the chain passes its window.
 */

import { bytesEqual } from "@keypears/base";
import type { Batch, Checkpoint, DeviceId, EventId } from "@keypears/sync-core";
import type { SqliteDatabase } from "./sqlite.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./vault-context.ts";

/** What the cover of an event says once taken: its event's hash matched, or did not. */
export type CoverCheck =
  | { readonly kind: "covered"; readonly checkpoint: Checkpoint | null }
  /** No verified batch of the event's signer names it within its window. */
  | { readonly kind: "uncovered" }
  /** A verified batch of its signer names it with another hash: the bytes were changed. */
  | { readonly kind: "other-hash" };

export interface BatchCovers {
  /** Keeps the covers of `batch`, verified at `position` as signed by `signer`. */
  readonly record: (batch: Batch, signer: DeviceId, position: number) => void;
  /**
   * Checks the event `eventId` of `signer` at `position`, whose envelope hashes to `hash`, against
   * the covers, and forgets its cover: an event id is in the log once.
   */
  readonly take: (
    eventId: EventId,
    signer: DeviceId,
    position: number,
    hash: Uint8Array,
  ) => CoverCheck;
  /** Forgets every cover whose window ends at or before `position` (the chain has passed it). */
  readonly expireThrough: (position: number) => void;
  /**
   * Whether `position` is inside the window of a verified batch (events it names may still come
   * after it): no snapshot may be taken there (docs/PROTOCOL.md 18.3).
   */
  readonly windowOpenAt: (position: number) => boolean;
}

interface CoverRow {
  readonly hash: Uint8Array;
  readonly checkpoint: Uint8Array | null;
}

export const createBatchCovers = (db: SqliteDatabase): BatchCovers => {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO batch_covers (event_id, signer, hash, checkpoint, first_position, last_position)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare(
    `SELECT hash, checkpoint FROM batch_covers
     WHERE event_id = ? AND signer = ? AND first_position <= ? AND last_position >= ?`,
  );
  const remove = db.prepare("DELETE FROM batch_covers WHERE event_id = ?");
  const expire = db.prepare("DELETE FROM batch_covers WHERE last_position <= ?");
  const open = db.prepare("SELECT 1 AS x FROM batch_covers WHERE last_position > ? LIMIT 1");
  return {
    record: (batch, signer, position) => {
      const checkpoint = batch.checkpoint === null ? null : encodeCheckpoint(batch.checkpoint);
      const last = position + batch.covers.length;
      for (const cover of batch.covers)
        insert.run(cover.id, signer, cover.hash, checkpoint, position + 1, last);
    },
    take: (eventId, signer, position, hash) => {
      const row = select.get(eventId, signer, position, position) as CoverRow | undefined;
      remove.run(eventId);
      if (row === undefined) return { kind: "uncovered" };
      if (!bytesEqual(row.hash, hash)) return { kind: "other-hash" };
      return {
        kind: "covered",
        checkpoint: row.checkpoint === null ? null : decodeCheckpoint(row.checkpoint),
      };
    },
    expireThrough: (position) => {
      expire.run(position);
    },
    windowOpenAt: (position) => open.get(position) !== undefined,
  };
};
