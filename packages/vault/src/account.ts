/**
 * Accounts on this device: creating one, joining an existing synced one, opening and unlocking.
 * Each account is one vault file in the device's `AccountStorage` (platform-free: Node's and the
 * browser's adapters give the storage; `node/node-accounts.ts` keeps the `home`-path API).
 */

import { err, ok, type Result } from "@keypears/base";
import {
  createAccountSecrets,
  createVaultKey,
  DEFAULT_KDF_PARAMS,
  formatSecretKey,
  type KdfParams,
  type SecretKey,
  type VaultKey,
  wipe,
} from "@keypears/crypto";
import { createDeviceId, createVaultId, type DeviceId, type VaultId } from "@keypears/sync-core";
import {
  type AccountRecord,
  defaultVaultDeps,
  readAccountRecord,
  type VaultDeps,
  writeAccountRecord,
} from "./account-record.ts";
import { type Address, isLocalOnly, parseAddress } from "./address.ts";
import {
  openWrappedEpochKeys,
  type Registration,
  sealCredentials,
  unlockKeys,
} from "./credentials.ts";
import type { VaultError } from "./errors.ts";
import { isKeyMaterialDamaged, readKeyCheck, writeKeyCheck } from "./key-check.ts";
import type { AccountStorage } from "./account-storage.ts";
import { recoveryKitText } from "./recovery-kit.ts";
import { migrate } from "./schema.ts";
import type { SqliteDatabase } from "./sqlite.ts";
import { openVault, type Vault } from "./vault.ts";

export interface NewAccount {
  readonly vault: Vault;
  /** Shown once, in the recovery kit; on this device it is stored only sealed under the password. */
  readonly secretKey: string;
  readonly recoveryKit: string;
  /** What a synced account registers with its server. */
  readonly registration: Registration;
}

export interface CreateAccountInput {
  readonly storage: AccountStorage;
  readonly address: string;
  readonly password: string;
  /** The account's server, for synced addresses; must be absent for `@localhost`. */
  readonly serverUrl?: string;
  readonly kdf?: KdfParams;
  readonly deps?: VaultDeps;
}

export const createAccount = async (
  input: CreateAccountInput,
): Promise<Result<NewAccount, VaultError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const address = parseAddress(input.address);
  if (!address.ok) return address;
  if (isLocalOnly(address.value) && input.serverUrl !== undefined) {
    return err({
      kind: "invalid-address",
      reason: `${address.value} is local only and cannot have a server`,
    });
  }
  if (input.storage.exists(address.value))
    return err({ kind: "account-exists", address: address.value });
  const { secretKey, salt } = createAccountSecrets(deps.randomBytes);
  const written = await writeAccountFile({
    storage: input.storage,
    address: address.value,
    password: input.password,
    secretKey,
    salt,
    kdf: input.kdf ?? DEFAULT_KDF_PARAMS,
    vaultId: createVaultId(deps.randomBytes),
    vaultKey: createVaultKey(deps.randomBytes),
    deviceId: createDeviceId(deps.randomBytes),
    serverUrl: input.serverUrl ?? null,
    deps,
  });
  if (!written.ok) return written;
  const formatted = formatSecretKey(secretKey);
  wipe(secretKey);
  return ok({
    ...written.value,
    secretKey: formatted,
    recoveryKit: recoveryKitText({
      address: address.value,
      secretKey: formatted,
      serverUrl: input.serverUrl ?? null,
      createdAt: deps.now(),
    }),
  });
};

export interface JoinAccountInput {
  readonly storage: AccountStorage;
  readonly address: string;
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly serverUrl: string;
  /** As the server returned them; checked against this client's floor before any use. */
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly vaultId: VaultId;
  readonly wrappedVaultKey: Uint8Array;
  readonly deviceId: DeviceId;
  readonly deps?: VaultDeps;
}

/** Adds an existing synced account to this device from what its server holds plus the user's two secrets. */
export const joinAccount = async (input: JoinAccountInput): Promise<Result<Vault, VaultError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const address = parseAddress(input.address);
  if (!address.ok) return address;
  if (input.storage.exists(address.value))
    return err({ kind: "account-exists", address: address.value });
  const epochKeys = await openWrappedEpochKeys({
    address: address.value,
    password: input.password,
    secretKey: input.secretKey,
    salt: input.salt,
    kdf: input.kdf,
    vaultId: input.vaultId,
    wrappedVaultKey: input.wrappedVaultKey,
    deps,
  });
  if (!epochKeys.ok) return epochKeys;
  const vaultKey = epochKeys.value[0] as VaultKey;
  const written = await writeAccountFile({
    storage: input.storage,
    address: address.value,
    password: input.password,
    secretKey: input.secretKey,
    salt: input.salt,
    kdf: input.kdf,
    vaultId: input.vaultId,
    vaultKey,
    deviceId: input.deviceId,
    serverUrl: input.serverUrl,
    wrappedVaultKey: input.wrappedVaultKey,
    deps,
  });
  if (!written.ok) return written;
  // Epochs after 0 (docs/PROTOCOL.md 16.7): each starts when this device verifies its rekey event.
  written.value.vault.sync.learnEpochKeys(epochKeys.value);
  return ok(written.value.vault);
};

interface AccountFileInput {
  readonly storage: AccountStorage;
  readonly address: Address;
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly salt: Uint8Array;
  readonly kdf: KdfParams;
  readonly vaultId: VaultId;
  readonly vaultKey: VaultKey;
  readonly deviceId: DeviceId;
  readonly serverUrl: string | null;
  /** The server's wrapped vault key, kept byte for byte so both sides hold the same key material. */
  readonly wrappedVaultKey?: Uint8Array;
  readonly deps: VaultDeps;
}

/** Writes a new vault file that appears complete or not at all (the storage sees to it), then opens it. */
const writeAccountFile = async (
  input: AccountFileInput,
): Promise<Result<{ vault: Vault; registration: Registration }, VaultError>> => {
  const { address, deps } = input;
  const sealed = await sealCredentials(input);
  if (!sealed.ok) return sealed;
  const record: AccountRecord = {
    address,
    vaultId: input.vaultId,
    deviceId: input.deviceId,
    kdf: input.kdf,
    salt: input.salt,
    wrappedVaultKey: input.wrappedVaultKey ?? sealed.value.wrappedVaultKey,
    sealedSecretKey: sealed.value.sealedSecretKey,
    serverUrl: input.serverUrl,
    createdAt: deps.now(),
  };
  const created = input.storage.create(address, (db) => {
    migrate(db);
    writeAccountRecord(db, record);
  });
  if (!created) return err({ kind: "account-exists", address });
  const vault = openVault({
    db: input.storage.open(address),
    account: record,
    vaultKey: input.vaultKey,
    deps,
  });
  return ok({
    vault,
    registration: {
      address,
      authSecret: sealed.value.authSecret,
      kdf: input.kdf,
      salt: input.salt,
      vaultId: input.vaultId,
      wrappedVaultKey: record.wrappedVaultKey,
      deviceId: input.deviceId,
    },
  });
};

/** Opens an account's file without unlocking it: what anyone holding the file can read. */
export const openAccountFile = (
  storage: AccountStorage,
  addressText: string,
): Result<{ readonly db: SqliteDatabase; readonly account: AccountRecord }, VaultError> => {
  const address = parseAddress(addressText);
  if (!address.ok) return address;
  const path = storage.describe(address.value);
  if (!storage.exists(address.value))
    return err({ kind: "no-such-account", address: address.value });
  let db: SqliteDatabase | undefined;
  try {
    db = storage.open(address.value);
    const schema = migrate(db);
    const account = schema === undefined ? readAccountRecord(db) : undefined;
    if (schema !== undefined || account === undefined || account.address !== address.value) {
      db.close();
      const reason =
        schema !== undefined
          ? `it was written by a newer KeyPears (schema ${schema.found})`
          : "it holds no account for this address";
      return err({ kind: "not-a-vault", path, reason });
    }
    return ok({ db, account });
  } catch (error) {
    db?.close();
    return err({
      kind: "not-a-vault",
      path,
      reason: error instanceof Error ? error.message : "unreadable",
    });
  }
};

export interface UnlockInput {
  readonly storage: AccountStorage;
  readonly address: string;
  readonly password: string;
  readonly deps?: VaultDeps;
}

/**
 * Unlocks a vault with one Argon2id run over the password. A wrong password gives
 * `wrong-credentials` and changes nothing; KDF parameters below this client's floor are refused
 * even when they come from the file itself.
 */
export const unlockVault = async (input: UnlockInput): Promise<Result<Vault, VaultError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const unlocked = await unlockAccountFile(input);
  if (!unlocked.ok) return unlocked;
  return ok(openVault({ ...unlocked.value, deps }));
};

/**
 * The steps of `unlockVault` before the vault opens: the file, its account and the vault key.
 * For a host that hands the key to a successor (a browser's next owning worker, see
 * `browser/vault-worker.ts`) and opens the vault itself (`openVault`).
 */
export const unlockAccountFile = async (
  input: UnlockInput,
): Promise<
  Result<
    { readonly db: SqliteDatabase; readonly account: AccountRecord; readonly vaultKey: VaultKey },
    VaultError
  >
> => {
  const deps = input.deps ?? defaultVaultDeps;
  const opened = openAccountFile(input.storage, input.address);
  if (!opened.ok) return opened;
  const { db, account } = opened.value;
  const keys = await unlockKeys(account, input.password, deps);
  if (!keys.ok) {
    const damaged = keys.error.kind === "wrong-credentials" && isKeyMaterialDamaged(db, account);
    db.close();
    return damaged
      ? err({ kind: "damaged-keys", path: input.storage.describe(account.address) })
      : keys;
  }
  recordKeyCheck(db, account);
  wipe(keys.value.secretKey, keys.value.authSecret, keys.value.wrapKey);
  return ok({ db, account, vaultKey: keys.value.vaultKey });
};

/** Removes an account's vault file (and SQLite's side files) from this device. The server is not told. */
export const removeAccountFile = (
  storage: AccountStorage,
  addressText: string,
): Result<void, VaultError> => {
  const address = parseAddress(addressText);
  if (!address.ok) return address;
  if (!storage.exists(address.value))
    return err({ kind: "no-such-account", address: address.value });
  storage.remove(address.value);
  return ok(undefined);
};

export interface RekeyInput {
  readonly storage: AccountStorage;
  readonly address: string;
  /** The account's current master password (perhaps changed on another device). */
  readonly password: string;
  readonly secretKey: SecretKey;
  /** The account's current parameters, as its server holds them. */
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly wrappedVaultKey: Uint8Array;
  readonly deps?: VaultDeps;
}

/**
 * Brings this device's copy of an account up to credentials changed elsewhere (a new master
 * password): the vault key is opened with the new password and the Secret Key, checked against
 * this device's own data (so a key that is not this vault's is refused), and the account row is
 * rewritten. Items, history and unsynced changes are untouched: they are sealed under the vault
 * key, which a password change never changes.
 */
export const rekeyAccountFile = async (input: RekeyInput): Promise<Result<Vault, VaultError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const opened = openAccountFile(input.storage, input.address);
  if (!opened.ok) return opened;
  const { db, account } = opened.value;
  const epochKeys = await openWrappedEpochKeys({
    address: account.address,
    password: input.password,
    secretKey: input.secretKey,
    salt: input.salt,
    kdf: input.kdf,
    vaultId: account.vaultId,
    wrappedVaultKey: input.wrappedVaultKey,
    deps,
  });
  if (!epochKeys.ok) {
    db.close();
    return epochKeys;
  }
  const vaultKey = ok(epochKeys.value[0] as VaultKey);
  // A key that opens none of this device's items is not this vault's key: refuse it.
  const candidate = openVault({ db, account, vaultKey: vaultKey.value.slice() as VaultKey, deps });
  const readable = candidate.list().length + candidate.list({ trash: true }).length;
  const unreadable = candidate.problems().length;
  candidate.lock();
  if (unreadable > 0 && readable === 0) return err({ kind: "wrong-credentials" });
  const sealed = await sealCredentials({
    address: account.address,
    password: input.password,
    secretKey: input.secretKey,
    salt: input.salt,
    kdf: input.kdf,
    vaultId: account.vaultId,
    vaultKey: vaultKey.value,
    deps,
  });
  if (!sealed.ok) return sealed;
  wipe(sealed.value.authSecret);
  const record: AccountRecord = {
    ...account,
    kdf: input.kdf,
    salt: input.salt,
    wrappedVaultKey: input.wrappedVaultKey,
    sealedSecretKey: sealed.value.sealedSecretKey,
  };
  const file = input.storage.open(account.address);
  writeAccountRecord(file, record);
  const vault = openVault({ db: file, account: record, vaultKey: vaultKey.value, deps });
  vault.sync.learnEpochKeys(epochKeys.value);
  return ok(vault);
};

/**
 * A file migrated from before schema 4 has no checksum of its key material: the first unlock
 * that opens the keys proves them sound and records it. A read-only file stays without one.
 */
const recordKeyCheck = (db: SqliteDatabase, account: AccountRecord): void => {
  if (readKeyCheck(db) !== undefined) return;
  try {
    writeKeyCheck(db, account);
  } catch {
    // Read-only: the check is recorded by a later unlock that can write.
  }
};
