/** The account row of a vault file: public parameters and sealed keys, never a plaintext key. */

import type { KdfCost, KdfParams } from "@keypears/crypto";
import {
  type DeviceId,
  type Now,
  type RandomBytes,
  systemDeps,
  type VaultId,
} from "@keypears/sync-core";
import type { Address } from "./address.ts";
import type { BackgroundVerifier } from "./background-verifier.ts";
import type { Compression } from "./compression.ts";
import { writeKeyCheck } from "./key-check.ts";
import type { SqliteDatabase } from "./sqlite.ts";

export interface VaultDeps {
  readonly now: Now;
  readonly randomBytes: RandomBytes;
  /** Snapshot compression; fflate (pure JavaScript) when absent. */
  readonly compression?: Compression;
  /**
   * Verifies a pulled batch's signatures on another thread while it is applied (Node: a worker
   * thread); every signature is verified on the applying thread when absent.
   */
  readonly signatureVerifier?: BackgroundVerifier;
  /** Tests only: lets tests use cheap Argon2id parameters. Production never sets it. */
  readonly unsafeKdfFloorForTests?: KdfCost;
  /**
   * Tests only: the largest sealed event a change may make, instead of the protocol's limit, to
   * make a device that holds an oversize change (as one made before the limit was checked).
   */
  readonly unsafeMaxEventBytesForTests?: number;
  /**
   * Tests only: seal item events as protocol version 2 did (each one signed, docs/PROTOCOL.md
   * 16.2), to make the logs and vault files an earlier version wrote: what a device must still
   * read, verify and send after the upgrade.
   */
  readonly unsafeVersion2ItemEventsForTests?: boolean;
  /** Tests only: how many deferred items a pull keeps before writing them, instead of `MAX_DEFERRED_ITEMS`. */
  readonly maxDeferredItemsForTests?: number;
}

export const defaultVaultDeps: VaultDeps = {
  now: systemDeps.now,
  randomBytes: systemDeps.randomBytes,
};

/** The row of the `account` table. */
export interface AccountRecord {
  readonly address: Address;
  readonly vaultId: VaultId;
  readonly deviceId: DeviceId;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly wrappedVaultKey: Uint8Array;
  readonly sealedSecretKey: Uint8Array;
  readonly serverUrl: string | null;
  readonly createdAt: number;
}

export const floorOption = (deps: VaultDeps) =>
  deps.unsafeKdfFloorForTests === undefined
    ? {}
    : { unsafeFloorForTests: deps.unsafeKdfFloorForTests };

export const writeAccountRecord = (db: SqliteDatabase, record: AccountRecord): void => {
  db.prepare(
    `INSERT INTO account (id, address, vault_id, device_id, kdf, salt, wrapped_vault_key, sealed_secret_key, server_url, created_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kdf = excluded.kdf, salt = excluded.salt,
       wrapped_vault_key = excluded.wrapped_vault_key, sealed_secret_key = excluded.sealed_secret_key,
       server_url = excluded.server_url`,
  ).run(
    record.address,
    record.vaultId,
    record.deviceId,
    JSON.stringify(record.kdf),
    record.salt,
    record.wrappedVaultKey,
    record.sealedSecretKey,
    record.serverUrl,
    record.createdAt,
  );
  writeKeyCheck(db, record);
};

export const readAccountRecord = (db: SqliteDatabase): AccountRecord | undefined => {
  const row = db.prepare("SELECT * FROM account WHERE id = 1").get() as
    | {
        address: string;
        vault_id: string;
        device_id: string;
        kdf: string;
        salt: Uint8Array;
        wrapped_vault_key: Uint8Array;
        sealed_secret_key: Uint8Array;
        server_url: string | null;
        created_at: number;
      }
    | undefined;
  if (row === undefined) return undefined;
  return {
    address: row.address as Address,
    vaultId: row.vault_id as VaultId,
    deviceId: row.device_id as DeviceId,
    kdf: JSON.parse(row.kdf) as KdfParams,
    salt: row.salt,
    wrappedVaultKey: row.wrapped_vault_key,
    sealedSecretKey: row.sealed_secret_key,
    serverUrl: row.server_url,
    createdAt: row.created_at,
  };
};
