/** What an unlocked vault holds in memory: its file, account, keys, clock and stores. Internal. */

import { type VaultKey, type VaultKeys, deriveVaultKeys, wipe } from "@keypears/crypto";
import {
  type Checkpoint,
  type ChainHash,
  createHlcClock,
  createIdFactory,
  type HlcClock,
  hlcFromString,
  hlcToString,
  type IdFactory,
} from "@keypears/sync-core";
import type { AccountRecord, VaultDeps } from "./account-record.ts";
import { isLocalOnly } from "./address.ts";
import { createItemStore, type ItemStore } from "./item-store.ts";
import { createLocalChanges, type LocalChanges } from "./local-changes.ts";
import type { SqliteDatabase } from "./sqlite.ts";
import { withCommitNotices } from "./commit-notices.ts";

export interface VaultContext {
  readonly db: SqliteDatabase;
  /** Announces every commit through `db` (see `commit-notices.ts`). */
  readonly onCommit: (listener: () => void) => () => void;
  account: AccountRecord;
  readonly deps: VaultDeps;
  readonly keys: VaultKeys;
  readonly vaultKey: VaultKey;
  readonly store: ItemStore;
  readonly clock: HlcClock;
  readonly ids: IdFactory;
  readonly localOnly: boolean;
  readonly localChanges: LocalChanges;
  /** Saves the clock so it resumes monotonic after a restart; call inside the edit's transaction. */
  readonly saveClock: () => void;
  readonly readState: (key: string) => Uint8Array | undefined;
  readonly writeState: (key: string, value: Uint8Array) => void;
  /** The last chain checkpoint this device verified (none for a local-only or never-synced vault). */
  readonly verifiedCheckpoint: () => Checkpoint | null;
  readonly assertUnlocked: () => void;
  readonly isLocked: () => boolean;
  readonly lock: () => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const createVaultContext = (
  file: SqliteDatabase,
  account: AccountRecord,
  vaultKey: VaultKey,
  deps: VaultDeps,
): VaultContext => {
  const notices = withCommitNotices(file);
  const { db } = notices;
  const keys = deriveVaultKeys(vaultKey);
  const selectState = db.prepare("SELECT value FROM state WHERE key = ?");
  const upsertState = db.prepare(
    "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  const readState = (key: string): Uint8Array | undefined =>
    (selectState.get(key) as { value: Uint8Array } | undefined)?.value;
  const writeState = (key: string, value: Uint8Array): void => {
    upsertState.run(key, value);
  };
  const savedClock = readState("clock");
  const last = savedClock === undefined ? undefined : hlcFromString(decoder.decode(savedClock));
  const clock = createHlcClock({
    node: account.deviceId,
    now: deps.now,
    ...(last?.ok === true ? { last: last.value } : {}),
  });
  let locked = false;
  const context: VaultContext = {
    db,
    onCommit: notices.subscribe,
    account,
    deps,
    keys,
    vaultKey,
    store: createItemStore(db, account.vaultId, keys, deps.randomBytes, deps.now),
    clock,
    ids: createIdFactory({ now: deps.now, randomBytes: deps.randomBytes }),
    localOnly: isLocalOnly(account.address),
    localChanges: createLocalChanges(),
    saveClock: () => writeState("clock", encoder.encode(hlcToString(clock.last()))),
    readState,
    writeState,
    verifiedCheckpoint: () => {
      const value = readState("verified");
      return value === undefined ? null : decodeCheckpoint(value);
    },
    isLocked: () => locked,
    assertUnlocked: () => {
      if (locked) throw new Error(`the vault of ${account.address} is locked`);
    },
    lock: () => {
      if (locked) return;
      locked = true;
      wipe(vaultKey, keys.eventKey, keys.storeKey, keys.indexKey);
      db.close();
    },
  };
  return context;
};

/** Encodes a checkpoint for the state table: 8-byte position then the 32-byte hash. */
export const encodeCheckpoint = (checkpoint: Checkpoint): Uint8Array => {
  const out = new Uint8Array(40);
  new DataView(out.buffer).setBigUint64(0, BigInt(checkpoint.position));
  out.set(checkpoint.hash, 8);
  return out;
};

export const decodeCheckpoint = (value: Uint8Array): Checkpoint => ({
  position: Number(new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0)),
  hash: value.slice(8, 40) as ChainHash,
});
