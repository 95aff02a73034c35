/**
 * The pruning policy. An event's payload may go once (1) a snapshot covers it and (2) every
 * active device of the owning account has pulled past it; "active" means not revoked and seen
 * within `activeDeviceDays`. A device that never pulled counts as being at position 0. Pruning
 * drops only payloads: each event keeps its position, id, size, event hash and chain hash, so the
 * history stays complete and every checkpoint stays verifiable. A device that later pulls into
 * the pruned range gets a typed error naming the latest snapshot, and starts from it.
 *
 * Only the server prunes, on its own schedule (`ServerOptions.pruneEveryMs`); no client route
 * asks for it.
 */

import type { Checkpoint, VaultId } from "@keypears/sync-core";
import type { ServiceDeps } from "../deps.ts";
import { toDate, toOptionalDate, toSafeInt, toText } from "../sql/values.ts";
import { latestSnapshotAnchor } from "./snapshots.ts";

export interface PrunePolicy {
  /** A device not seen for longer than this no longer holds pruning back (it restores from a snapshot). */
  readonly activeDeviceDays: number;
  /**
   * The snapshot pruning may rely on: devices that cannot pull pruned events start from it, so
   * it must be one they will accept. HOOK for signed snapshots (issue 16): return the latest
   * snapshot that a roster device signed. Default: the latest snapshot (`latestSnapshotAnchor`).
   */
  readonly trustedSnapshot?: (
    deps: Pick<ServiceDeps, "sql">,
    vaultId: VaultId,
  ) => Promise<Checkpoint | undefined>;
}

export const DEFAULT_PRUNE_POLICY: PrunePolicy = { activeDeviceDays: 90 };

export interface DeviceProgress {
  /** The position the device has pulled through; 0 if it never pulled. */
  readonly acked: number;
  readonly lastSeenAt: Date;
  readonly revoked: boolean;
}

/** The position payloads may be dropped through (0: nothing), by the policy above. */
export const prunablePosition = (
  policy: PrunePolicy,
  now: number,
  snapshotPosition: number | undefined,
  devices: readonly DeviceProgress[],
): number => {
  if (snapshotPosition === undefined) return 0;
  const activeSince = now - policy.activeDeviceDays * 86_400_000;
  const active = devices.filter((d) => !d.revoked && d.lastSeenAt.getTime() >= activeSince);
  return Math.min(snapshotPosition, ...active.map((device) => device.acked));
};

export interface PruneOutcome {
  readonly prunedThrough: number;
  readonly eventsPruned: number;
  readonly snapshot: Checkpoint | undefined;
}

/** Applies the policy to one vault now; older snapshots than the one relied on are deleted. */
export const pruneVault = async (
  deps: Pick<ServiceDeps, "sql" | "events" | "now">,
  policy: PrunePolicy,
  vaultId: VaultId,
): Promise<PruneOutcome> => {
  const snapshot = await (policy.trustedSnapshot ?? latestSnapshotAnchor)(deps, vaultId);
  const rows = await deps.sql.query(
    `SELECT d.last_seen_at, d.revoked_at, COALESCE(a.position, 0) AS acked
     FROM vaults v
     JOIN devices d ON d.account_id = v.account_id
     LEFT JOIN device_acks a
       ON a.vault_id = v.vault_id AND a.account_id = d.account_id AND a.device_id = d.device_id
     WHERE v.vault_id = $1`,
    [vaultId],
  );
  const devices = rows.map((row) => ({
    acked: toSafeInt(row.acked, "acked"),
    lastSeenAt: toDate(row.last_seen_at, "last_seen_at"),
    revoked: toOptionalDate(row.revoked_at, "revoked_at") !== undefined,
  }));
  const target = prunablePosition(policy, deps.now(), snapshot?.position, devices);
  const eventsPruned = target > 0 ? await deps.events.pruneThrough(vaultId, target) : 0;
  if (snapshot !== undefined && target >= snapshot.position) {
    await deps.sql.query("DELETE FROM snapshots WHERE vault_id = $1 AND position < $2", [
      vaultId,
      snapshot.position,
    ]);
  }
  const [log] = await deps.sql.query("SELECT pruned_through FROM vault_logs WHERE vault_id = $1", [
    vaultId,
  ]);
  return {
    prunedThrough: log === undefined ? 0 : toSafeInt(log.pruned_through, "pruned_through"),
    eventsPruned,
    snapshot,
  };
};

/** One pruning pass over every vault of the server, as the schedule runs it. */
export const pruneAllVaults = async (
  deps: Pick<ServiceDeps, "sql" | "events" | "now">,
  policy: PrunePolicy,
): Promise<{ readonly vaults: number; readonly eventsPruned: number }> => {
  const rows = await deps.sql.query("SELECT vault_id FROM vaults ORDER BY vault_id");
  let eventsPruned = 0;
  for (const row of rows) {
    const outcome = await pruneVault(deps, policy, toText(row.vault_id, "vault_id") as VaultId);
    eventsPruned += outcome.eventsPruned;
  }
  return { vaults: rows.length, eventsPruned };
};
