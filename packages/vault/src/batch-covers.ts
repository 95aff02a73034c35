/**
 * The covers of verified batch events (docs/PROTOCOL.md 18.3), kept in the vault file (table
 * `batch_covers`) until the events they name arrive: a page may end between a batch and its
 * events, and the next page may come in another session. A batch at position q that names k
 * events covers them at positions q + 1 to q + k only, so what a forged or garbled batch leaves
 * behind is forgotten once the chain passes its window.
 */

import type { Batch, Checkpoint, DeviceId } from "@keypears/sync-core";
import type { SqliteDatabase } from "./sqlite.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./vault-context.ts";

/** What the covers say of an event: named by a verified batch of its signer (with its checkpoint), or not. */
export type CoverCheck =
  | { readonly kind: "covered"; readonly checkpoint: Checkpoint | null }
  /** No verified batch of the event's signer names its hash within its window. */
  | { readonly kind: "uncovered" };

export interface BatchCovers {
  /** Keeps the covers of `batch`, verified at `position` as signed by `signer`. */
  readonly record: (batch: Batch, signer: DeviceId, position: number) => void;
  /**
   * Checks the event of `signer` at `position` whose envelope hashes to `hash` (its event hash)
   * against the covers, and forgets its cover: an event is in the log once.
   */
  readonly take: (signer: DeviceId, position: number, hash: Uint8Array) => CoverCheck;
  /** Forgets every cover whose window ends at or before `position` (the chain has passed it). */
  readonly expireThrough: (position: number) => void;
  /**
   * Whether `position` is inside the window of a verified batch (events it names may still come
   * after it): no snapshot may be taken there (docs/PROTOCOL.md 18.3).
   */
  readonly windowOpenAt: (position: number) => boolean;
}

interface CoverRow {
  readonly checkpoint: Uint8Array | null;
}

export const createBatchCovers = (db: SqliteDatabase): BatchCovers => {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO batch_covers (hash, signer, checkpoint, first_position, last_position)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const select = db.prepare(
    `SELECT checkpoint FROM batch_covers
     WHERE hash = ? AND signer = ? AND first_position <= ? AND last_position >= ?`,
  );
  const remove = db.prepare("DELETE FROM batch_covers WHERE hash = ?");
  const expire = db.prepare("DELETE FROM batch_covers WHERE last_position <= ?");
  const open = db.prepare("SELECT 1 AS x FROM batch_covers WHERE last_position > ? LIMIT 1");
  return {
    record: (batch, signer, position) => {
      const checkpoint = batch.checkpoint === null ? null : encodeCheckpoint(batch.checkpoint);
      const last = position + batch.hashes.length;
      for (const hash of batch.hashes) insert.run(hash, signer, checkpoint, position + 1, last);
    },
    take: (signer, position, hash) => {
      const row = select.get(hash, signer, position, position) as CoverRow | undefined;
      remove.run(hash);
      if (row === undefined) return { kind: "uncovered" };
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
