/**
 * Reading an item's pulled events back from the log, opened: how a deferred item (item-store.ts,
 * `CommitOptions.defer`) whose state is no longer in memory is rebuilt from its row.
 */

import { ok } from "@keypears/base";
import type { VaultKeys } from "@keypears/crypto";
import type { DeviceId, Event, EventEnvelope, VaultId } from "@keypears/sync-core";
import { openStoredItemEvent } from "./device-trust.ts";
import type { PulledEventReader } from "./item-store.ts";
import type { SqliteDatabase } from "./sqlite.ts";

export const createPulledEventReader = (
  db: SqliteDatabase,
  vaultId: VaultId,
  keysOf: (epoch: number) => VaultKeys | undefined,
  signingKeyOf: (signer: DeviceId) => Uint8Array | undefined,
): PulledEventReader => {
  const select = db.prepare(
    `SELECT id, payload FROM events
     WHERE vault_id = ? AND item_id = ? AND origin = 'remote' AND position >= ? ORDER BY position`,
  );
  return (itemId, from) => {
    const out: Event[] = [];
    for (const row of select.all(vaultId, itemId, from) as EventEnvelope[]) {
      const opened = openStoredItemEvent(keysOf, vaultId, row, signingKeyOf);
      if (!opened.ok) return opened;
      // A roster event belongs to no item; none is stored under an item id.
      if (opened.value !== undefined) out.push(opened.value);
    }
    return ok(out);
  };
};
