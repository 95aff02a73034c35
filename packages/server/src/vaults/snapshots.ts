/**
 * Encrypted snapshots of a vault, each anchored to a position of the vault's chain and the chain
 * hash there. The server checks the anchor against its own chain (so a snapshot always names a
 * real point of the history) and stores the bytes as given; clients make and read them.
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import type { ChainHash, Checkpoint, VaultId } from "@keypears/sync-core";
import type { ServiceDeps } from "../deps.ts";
import { toBytes, toDate, toSafeInt } from "../sql/values.ts";

export interface SnapshotInfo {
  readonly position: number;
  readonly chainHash: ChainHash;
  readonly size: number;
  readonly createdAt: Date;
}

export interface Snapshot extends SnapshotInfo {
  readonly payload: Uint8Array;
}

export type SnapshotError = { readonly kind: "chain-mismatch"; readonly position: number };

export const putSnapshot = async (
  deps: Pick<ServiceDeps, "sql" | "events" | "now">,
  vaultId: VaultId,
  snapshot: {
    readonly position: number;
    readonly chainHash: Uint8Array;
    readonly payload: Uint8Array;
  },
): Promise<Result<SnapshotInfo, SnapshotError>> => {
  // The chain never changes below the head, so this check needs no lock.
  const checkpoint = await deps.events.checkpointAt(vaultId, snapshot.position);
  if (checkpoint === undefined || !bytesEqual(checkpoint.hash, snapshot.chainHash)) {
    return err({ kind: "chain-mismatch", position: snapshot.position });
  }
  const createdAt = new Date(deps.now());
  // Two devices may snapshot the same position (different nonces, same content): the later wins.
  await deps.sql.query(
    `INSERT INTO snapshots (vault_id, position, chain_hash, payload, size, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (vault_id, position) DO UPDATE
       SET payload = EXCLUDED.payload, size = EXCLUDED.size, created_at = EXCLUDED.created_at`,
    [
      vaultId,
      snapshot.position,
      checkpoint.hash,
      snapshot.payload,
      snapshot.payload.length,
      createdAt,
    ],
  );
  return ok({
    position: snapshot.position,
    chainHash: checkpoint.hash,
    size: snapshot.payload.length,
    createdAt,
  });
};

export const latestSnapshot = async (
  deps: Pick<ServiceDeps, "sql">,
  vaultId: VaultId,
): Promise<Snapshot | undefined> => {
  const [row] = await deps.sql.query(
    `SELECT position, chain_hash, payload, size, created_at FROM snapshots
     WHERE vault_id = $1 ORDER BY position DESC LIMIT 1`,
    [vaultId],
  );
  if (row === undefined) return undefined;
  return {
    position: toSafeInt(row.position, "position"),
    chainHash: toBytes(row.chain_hash, "chain_hash") as ChainHash,
    payload: toBytes(row.payload, "payload"),
    size: toSafeInt(row.size, "size"),
    createdAt: toDate(row.created_at, "created_at"),
  };
};

/** The anchor of the latest snapshot, without its payload. */
export const latestSnapshotAnchor = async (
  deps: Pick<ServiceDeps, "sql">,
  vaultId: VaultId,
): Promise<Checkpoint | undefined> => {
  const [row] = await deps.sql.query(
    "SELECT position, chain_hash FROM snapshots WHERE vault_id = $1 ORDER BY position DESC LIMIT 1",
    [vaultId],
  );
  return row === undefined
    ? undefined
    : {
        position: toSafeInt(row.position, "position"),
        hash: toBytes(row.chain_hash, "chain_hash") as ChainHash,
      };
};
