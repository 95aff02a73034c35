/**
 * The vault keys of every key epoch this device knows (docs/PROTOCOL.md 16.7), kept in its file.
 *
 * Why epochs: revoking a device must stop it reading what is written after. Each revocation is
 * followed in the log by a rekey event that starts epoch e + 1 with a fresh random vault key,
 * delivered to each device still enrolled (X25519, `crypto/key-delivery.ts`), never to the revoked
 * one. Events and snapshots say which epoch's key sealed them, so older events stay readable with
 * older keys, which every remaining device keeps.
 *
 * Epoch 0 is the key the vault was made with: in a file made before epochs (or by the device that
 * made the vault) it is the file's own vault key and has no row. Later epochs are rows sealed under
 * this file's store key. The file's store and index keys never change: local rows are not
 * re-sealed when an epoch starts, because the file is this device's alone.
 *
 * A device seals under the latest epoch whose rekey event is in its verified log (`sealing`):
 * its own rekey's key is not used until the server ordered that event, so a rekey that loses a
 * race with another (and is set aside) never sealed anything.
 */

import {
  associatedData,
  deriveVaultKeys,
  open,
  seal,
  type VaultKey,
  type VaultKeys,
} from "@keypears/crypto";
import type { VaultContext } from "./vault-context.ts";

export interface KeyEpochs {
  /** The epoch this device seals under now. */
  readonly sealing: () => number;
  /** The position of the rekey event that started `sealing()` (0 for epoch 0). */
  readonly sealingSince: () => number;
  /** The purpose keys of `epoch`, if this device holds its vault key. */
  readonly keysOf: (epoch: number) => VaultKeys | undefined;
  readonly vaultKeyOf: (epoch: number) => VaultKey | undefined;
  /** Whether an event at `position` may be sealed under `epoch`: its key is known and it had started. */
  readonly usableAt: (epoch: number, position: number) => boolean;
  /** Keeps the key of `epoch` (replacing one of the same number: a rekey that lost a race). */
  readonly add: (epoch: number, key: VaultKey, startedAt: number | null) => void;
  /** Records that `epoch` started at `position` (its rekey event was verified there). */
  readonly start: (epoch: number, position: number) => void;
  /** Marks every known epoch up to `epoch` as started at or before `position` (a snapshot's base). */
  readonly startedBy: (epoch: number, position: number) => void;
  /** Every epoch whose key this device holds and saw start (or epoch 0), oldest first. */
  readonly known: () => readonly number[];
}

export const createKeyEpochs = (ctx: VaultContext): KeyEpochs => {
  const { db } = ctx;
  const vaultId = ctx.account.vaultId;
  const selectKey = db.prepare("SELECT sealed_key, started_at FROM key_epochs WHERE epoch = ?");
  const selectSealing = db.prepare(
    "SELECT epoch, started_at FROM key_epochs WHERE started_at IS NOT NULL AND epoch > 0 ORDER BY epoch DESC LIMIT 1",
  );
  const selectEpochs = db.prepare(
    "SELECT epoch FROM key_epochs WHERE started_at IS NOT NULL OR epoch = 0 ORDER BY epoch",
  );
  const upsert = db.prepare(
    `INSERT INTO key_epochs (epoch, sealed_key, started_at) VALUES (?, ?, ?)
     ON CONFLICT (epoch) DO UPDATE SET sealed_key = excluded.sealed_key, started_at = excluded.started_at`,
  );
  const updateStart = db.prepare("UPDATE key_epochs SET started_at = ? WHERE epoch = ?");
  const updateStartedBy = db.prepare(
    "UPDATE key_epochs SET started_at = ? WHERE epoch <= ? AND epoch > 0 AND started_at IS NULL",
  );
  const ad = (epoch: number) => associatedData("epoch-key", vaultId, epoch);
  const cache = new Map<number, { readonly key: VaultKey; readonly keys: VaultKeys }>();

  const load = (epoch: number) => {
    const cached = cache.get(epoch);
    if (cached !== undefined) return cached;
    const row = selectKey.get(epoch) as { sealed_key: Uint8Array } | undefined;
    if (row === undefined) {
      if (epoch !== 0) return undefined;
      const own = { key: ctx.vaultKey, keys: ctx.keys };
      cache.set(0, own);
      return own;
    }
    const opened = open(ctx.keys.storeKey, row.sealed_key, ad(epoch));
    if (!opened.ok || opened.value.length !== 32)
      throw new Error(`the key of epoch ${epoch} does not open: the vault file is damaged`);
    const key = opened.value as VaultKey;
    const entry = { key, keys: deriveVaultKeys(key) };
    cache.set(epoch, entry);
    return entry;
  };

  const latest = () => selectSealing.get() as { epoch: number; started_at: number } | undefined;

  return {
    sealing: () => latest()?.epoch ?? 0,
    sealingSince: () => latest()?.started_at ?? 0,
    keysOf: (epoch) => load(epoch)?.keys,
    vaultKeyOf: (epoch) => load(epoch)?.key,
    usableAt: (epoch, position) => {
      if (epoch === 0) return load(0) !== undefined;
      const row = selectKey.get(epoch) as { started_at: number | null } | undefined;
      return row !== undefined && row.started_at !== null && row.started_at < position;
    },
    add: (epoch, key, startedAt) => {
      upsert.run(epoch, seal(ctx.keys.storeKey, key, ad(epoch), ctx.deps.randomBytes), startedAt);
      cache.delete(epoch);
    },
    start: (epoch, position) => {
      updateStart.run(position, epoch);
    },
    startedBy: (epoch, position) => {
      updateStartedBy.run(position, epoch);
    },
    known: () => {
      const rows = (selectEpochs.all() as { epoch: number }[]).map((r) => r.epoch);
      return rows.includes(0) ? rows : [0, ...rows];
    },
  };
};

/**
 * Every epoch's vault key, epoch 0 first, up to the later of the epoch this device seals under
 * and the newest in `fromCopy` (the password-wrapped copy it opened): its own keys first (each
 * verified in its log), the copy's for the rest. `undefined` if a key is missing from both.
 */
export const epochKeyList = (
  epochs: KeyEpochs,
  fromCopy: readonly VaultKey[],
): readonly VaultKey[] | undefined => {
  const sealing = epochs.sealing();
  const list: VaultKey[] = [];
  for (let epoch = 0; epoch < Math.max(sealing + 1, fromCopy.length); epoch++) {
    const key = (epoch <= sealing ? epochs.vaultKeyOf(epoch) : undefined) ?? fromCopy[epoch];
    if (key === undefined) return undefined;
    list.push(key);
  }
  return list;
};
