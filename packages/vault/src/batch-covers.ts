/**
 * The covers of verified batch events (docs/PROTOCOL.md 18.3), kept until the events they name
 * arrive: in memory within one apply (a batch and its events usually come in one), and in the
 * vault file (table `batch_covers`) for those still open when the apply commits, since a page may end between a batch and its
 * events, and the next page may come in another session. A batch at position q that names k
 * events covers them at positions q + 1 to q + k only, so what a forged or garbled batch leaves
 * behind is forgotten once the chain passes its window.
 */

import { bytesToHex } from "@keypears/base";
import type { Batch, Checkpoint, DeviceId } from "@keypears/sync-core";
import type { SqliteDatabase } from "./sqlite.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./vault-context.ts";

/** What the covers say of an event: named by a verified batch of its signer (with its checkpoint), or not. */
export type CoverCheck =
  | { readonly kind: "covered"; readonly checkpoint: Checkpoint | null }
  /** No verified batch of the event's signer names its hash within its window. */
  | { readonly kind: "uncovered" };

export interface BatchCovers {
  /**
   * Forgets the covers recorded and not yet written (an apply starts, or its transaction rolled
   * back). Covers recorded are kept in memory, and only those still open when the apply ends are
   * written to the file (`finishApply`): a batch and its events usually arrive in one apply, so
   * most covers never touch the disk.
   */
  readonly forgetUnwritten: () => void;
  /** Writes the covers recorded since the apply began whose window is still open; call before the commit. */
  readonly finishApply: () => void;
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

interface Cover {
  readonly hash: Uint8Array;
  readonly signer: DeviceId;
  readonly checkpoint: Checkpoint | null;
  readonly first: number;
  readonly last: number;
}

const UNCOVERED: CoverCheck = { kind: "uncovered" };

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
  const any = db.prepare("SELECT 1 AS x FROM batch_covers LIMIT 1");
  /** Covers recorded in this apply and not yet in the file, by event hash (hex): one per signer. */
  const recent = new Map<string, Cover[]>();
  /** Whether the file may hold covers (when not, no lookup goes to it). */
  let inFile = any.get() !== undefined;

  const fromFile = (signer: DeviceId, position: number, hash: Uint8Array): CoverCheck => {
    if (!inFile) return UNCOVERED;
    const row = select.get(hash, signer, position, position) as CoverRow | undefined;
    remove.run(hash);
    if (row === undefined) return UNCOVERED;
    return {
      kind: "covered",
      checkpoint: row.checkpoint === null ? null : decodeCheckpoint(row.checkpoint),
    };
  };

  return {
    forgetUnwritten: () => recent.clear(),
    finishApply: () => {
      for (const covers of recent.values()) {
        for (const cover of covers) {
          insert.run(
            cover.hash,
            cover.signer,
            cover.checkpoint === null ? null : encodeCheckpoint(cover.checkpoint),
            cover.first,
            cover.last,
          );
          inFile = true;
        }
      }
      recent.clear();
    },
    record: (batch, signer, position) => {
      const last = position + batch.hashes.length;
      for (const hash of batch.hashes) {
        const key = bytesToHex(hash);
        const cover = { hash, signer, checkpoint: batch.checkpoint, first: position + 1, last };
        // As the file's key (hash, signer): a later batch of the same signer replaces the cover.
        const others = (recent.get(key) ?? []).filter((c) => c.signer !== signer);
        recent.set(key, [...others, cover]);
      }
    },
    take: (signer, position, hash) => {
      const key = bytesToHex(hash);
      const cover = recent.get(key)?.find((c) => c.signer === signer);
      // An event is in the log once: every cover of its bytes is forgotten, here and in the file.
      recent.delete(key);
      if (cover === undefined) return fromFile(signer, position, hash);
      if (inFile) remove.run(hash);
      return cover.first <= position && position <= cover.last
        ? { kind: "covered", checkpoint: cover.checkpoint }
        : UNCOVERED;
    },
    expireThrough: (position) => {
      for (const [key, covers] of recent) {
        const open = covers.filter((cover) => cover.last > position);
        if (open.length === 0) recent.delete(key);
        else if (open.length !== covers.length) recent.set(key, open);
      }
      if (!inFile) return;
      expire.run(position);
      inFile = any.get() !== undefined;
    },
    windowOpenAt: (position) => {
      for (const covers of recent.values())
        if (covers.some((cover) => cover.last > position)) return true;
      return inFile && open.get(position) !== undefined;
    },
  };
};
