/**
 * The `EventStore` port over a vault file's `events` table: the server-ordered part of the log
 * (rows with a position). A local event still in the outbox has no position; when the server's
 * copy comes back it takes its place in the order.
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import {
  type AppendedEvent,
  type AppendError,
  assertReadArguments,
  type ChainHash,
  chainStep,
  type Checkpoint,
  envelopeBytes,
  type EventEnvelope,
  type EventId,
  type EventStore,
  GENESIS,
  hashEvent,
  type StoredEvent,
  type VaultId,
} from "@keypears/sync-core";
import { createEventLog } from "./event-log.ts";
import { type SqliteDatabase, transactionResult } from "./sqlite.ts";

interface Row {
  readonly id: EventId;
  readonly payload: Uint8Array;
  readonly position: number | null;
  readonly chain_hash: Uint8Array | null;
}

export const createSqliteEventStore = (
  db: SqliteDatabase,
  now: () => number = Date.now,
): EventStore => {
  const selectHead = db.prepare(
    "SELECT position, chain_hash FROM events WHERE vault_id = ? AND position IS NOT NULL ORDER BY position DESC LIMIT 1",
  );
  const log = createEventLog(db);
  const insert = db.prepare(
    "INSERT INTO events (vault_id, id, payload, position, chain_hash, origin, created_at) VALUES (?, ?, ?, ?, ?, 'remote', ?)",
  );
  const selectAfter = db.prepare(
    "SELECT id, payload, position, chain_hash FROM events WHERE vault_id = ? AND position > ? ORDER BY position LIMIT ?",
  );

  const headOf = (vaultId: VaultId): Checkpoint => {
    const row = selectHead.get(vaultId) as { position: number; chain_hash: Uint8Array } | undefined;
    return row === undefined
      ? GENESIS
      : { position: row.position, hash: row.chain_hash as ChainHash };
  };

  const append = (
    vaultId: VaultId,
    envelopes: readonly EventEnvelope[],
  ): Result<{ events: AppendedEvent[]; head: Checkpoint }, AppendError> =>
    transactionResult(db, () => {
      let head = headOf(vaultId);
      const results: AppendedEvent[] = [];
      for (const envelope of envelopes) {
        const existing = log.byId(vaultId, envelope.id);
        if (existing !== undefined && !bytesEqual(existing.payload, envelope.payload)) {
          return err({ kind: "id-reused" as const, id: envelope.id });
        }
        if (existing?.position !== null && existing !== undefined) {
          results.push({
            id: envelope.id,
            position: existing.position,
            chainHash: existing.chain_hash as ChainHash,
            duplicate: true,
          });
          continue;
        }
        const position = head.position + 1;
        const chainHash = chainStep(head.hash, hashEvent(envelopeBytes(envelope)));
        if (existing === undefined)
          insert.run(vaultId, envelope.id, envelope.payload, position, chainHash, now());
        else {
          log.placeOwn(vaultId, envelope.id, position, chainHash);
        }
        results.push({ id: envelope.id, position, chainHash, duplicate: false });
        head = { position, hash: chainHash };
      }
      return ok({ events: results, head });
    });

  return {
    append: async (vaultId, envelopes) => append(vaultId, envelopes),
    readAfter: async (vaultId, position, limit) => {
      assertReadArguments(position, limit);
      return (selectAfter.all(vaultId, position, limit) as Row[]).map((row): StoredEvent => ({
        id: row.id,
        payload: row.payload,
        position: row.position as number,
        chainHash: row.chain_hash as ChainHash,
      }));
    },
    head: async (vaultId) => headOf(vaultId),
    checkpointAt: async (vaultId, position) => {
      assertReadArguments(position);
      if (position === 0) return GENESIS;
      const hash = log.hashAt(vaultId, position);
      return hash === undefined ? undefined : { position, hash: hash as ChainHash };
    },
  };
};
