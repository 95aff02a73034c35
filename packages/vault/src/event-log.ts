/** The statements on the `events` table that the event store and the sync side share. */

import type { ChainHash, EventId, VaultId } from "@keypears/sync-core";
import type { SqliteDatabase } from "./sqlite.ts";

export interface LoggedEvent {
  readonly id: EventId;
  readonly payload: Uint8Array;
  readonly position: number | null;
  readonly chain_hash: Uint8Array | null;
}

export interface EventLog {
  readonly byId: (vaultId: VaultId, id: EventId) => LoggedEvent | undefined;
  /** One of this device's events took its place in the server's order: record it and take it off the outbox. */
  readonly placeOwn: (
    vaultId: VaultId,
    id: EventId,
    position: number,
    chainHash: ChainHash,
  ) => void;
  readonly hashAt: (vaultId: VaultId, position: number) => Uint8Array | undefined;
}

export const createEventLog = (db: SqliteDatabase): EventLog => {
  const selectById = db.prepare(
    "SELECT id, payload, position, chain_hash FROM events WHERE vault_id = ? AND id = ?",
  );
  const order = db.prepare(
    "UPDATE events SET position = ?, chain_hash = ? WHERE vault_id = ? AND id = ?",
  );
  const dequeue = db.prepare("DELETE FROM outbox WHERE vault_id = ? AND event_id = ?");
  const selectAt = db.prepare("SELECT chain_hash FROM events WHERE vault_id = ? AND position = ?");
  return {
    byId: (vaultId, id) => selectById.get(vaultId, id) as LoggedEvent | undefined,
    placeOwn: (vaultId, id, position, chainHash) => {
      order.run(position, chainHash, vaultId, id);
      dequeue.run(vaultId, id);
    },
    hashAt: (vaultId, position) =>
      (selectAt.get(vaultId, position) as { chain_hash: Uint8Array } | undefined)?.chain_hash,
  };
};
