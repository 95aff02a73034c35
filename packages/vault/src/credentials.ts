/**
 * The key work around an account record: checking a password and opening the vault key, and
 * sealing a vault key and Secret Key under a (new) password.
 */

import { err, ok, type Result } from "@keypears/base";
import {
  accountKeysFromPasswordKey,
  type AuthSecret,
  checkKdfParams,
  deriveDeviceKey,
  derivePasswordKey,
  type KdfParams,
  openSecretKey,
  sealSecretKey,
  type SecretKey,
  unwrapEpochKeys,
  type VaultKey,
  wipe,
  wrapEpochKeys,
  type WrapKey,
  wrapVaultKey,
} from "@keypears/crypto";
import type { DeviceId, VaultId } from "@keypears/sync-core";
import { type AccountRecord, floorOption, type VaultDeps } from "./account-record.ts";
import type { Address } from "./address.ts";
import type { VaultError } from "./errors.ts";

export interface Registration {
  readonly address: Address;
  readonly authSecret: AuthSecret;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly vaultId: VaultId;
  readonly wrappedVaultKey: Uint8Array;
  readonly deviceId: DeviceId;
}

export interface SealedCredentials {
  readonly wrappedVaultKey: Uint8Array;
  readonly sealedSecretKey: Uint8Array;
  readonly authSecret: AuthSecret;
}

export interface SealCredentialsInput {
  readonly address: Address;
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly salt: Uint8Array;
  readonly kdf: KdfParams;
  readonly vaultId: VaultId;
  readonly vaultKey: VaultKey;
  /** Every epoch's vault key, epoch 0 first, when the vault rotated (docs/PROTOCOL.md 16.7). */
  readonly epochKeys?: readonly VaultKey[];
  readonly deps: VaultDeps;
}

/** Wraps the vault key under password + Secret Key and seals the Secret Key under the password. */
export const sealCredentials = async (
  input: SealCredentialsInput,
): Promise<Result<SealedCredentials, VaultError>> => {
  const { address, deps } = input;
  const passwordKey = await derivePasswordKey({
    password: input.password,
    salt: input.salt,
    address,
    params: input.kdf,
    ...floorOption(deps),
  });
  if (!passwordKey.ok) return passwordKey;
  const deviceKey = deriveDeviceKey(passwordKey.value);
  const { wrapKey, authSecret } = accountKeysFromPasswordKey(
    passwordKey.value,
    input.secretKey,
    input.salt,
    address,
  );
  wipe(passwordKey.value);
  const sealed = {
    wrappedVaultKey:
      input.epochKeys !== undefined && input.epochKeys.length > 1
        ? wrapEpochKeys(
            wrapKey,
            input.epochKeys,
            { address, vaultId: input.vaultId },
            deps.randomBytes,
          )
        : wrapVaultKey(
            wrapKey,
            input.vaultKey,
            { address, vaultId: input.vaultId },
            deps.randomBytes,
          ),
    sealedSecretKey: sealSecretKey(deviceKey, input.secretKey, address, deps.randomBytes),
    authSecret,
  };
  wipe(deviceKey, wrapKey);
  return ok(sealed);
};

export interface UnlockedKeys {
  /** Epoch 0's vault key: the key this device's file is sealed under. */
  readonly vaultKey: VaultKey;
  /** Every epoch's vault key the wrapped copy holds, epoch 0 first (docs/PROTOCOL.md 16.7). */
  readonly epochKeys: readonly VaultKey[];
  readonly secretKey: SecretKey;
  readonly authSecret: AuthSecret;
  /** Wraps the epoch keys for the server; callers that do not re-wrap wipe it. */
  readonly wrapKey: WrapKey;
}

/** Checks the password against an account record and returns the vault key and the keys around it. */
export const unlockKeys = async (
  account: AccountRecord,
  password: string,
  deps: VaultDeps,
): Promise<Result<UnlockedKeys, VaultError>> => {
  const checked = checkKdfParams(account.kdf, floorOption(deps));
  if (!checked.ok) return checked;
  const passwordKey = await derivePasswordKey({
    password,
    salt: account.salt,
    address: account.address,
    params: account.kdf,
    ...floorOption(deps),
  });
  if (!passwordKey.ok) return passwordKey;
  const deviceKey = deriveDeviceKey(passwordKey.value);
  const secretKey = openSecretKey(deviceKey, account.sealedSecretKey, account.address);
  if (!secretKey.ok) {
    wipe(passwordKey.value, deviceKey);
    return secretKey;
  }
  const { wrapKey, authSecret } = accountKeysFromPasswordKey(
    passwordKey.value,
    secretKey.value,
    account.salt,
    account.address,
  );
  wipe(passwordKey.value, deviceKey);
  const epochKeys = unwrapEpochKeys(wrapKey, account.wrappedVaultKey, {
    address: account.address,
    vaultId: account.vaultId,
  });
  if (!epochKeys.ok) {
    wipe(secretKey.value, authSecret, wrapKey);
    return err(epochKeys.error);
  }
  return ok({
    vaultKey: epochKeys.value[0] as VaultKey,
    epochKeys: epochKeys.value,
    secretKey: secretKey.value,
    authSecret,
    wrapKey,
  });
};

export interface WrappedKeyInput {
  readonly address: Address;
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly salt: Uint8Array;
  readonly kdf: KdfParams;
  readonly vaultId: VaultId;
  readonly wrappedVaultKey: Uint8Array;
  readonly deps: VaultDeps;
}

/**
 * Opens a wrapped vault key with the password and the Secret Key (the two-secret derivation), as
 * a device must when the key comes from a server: joining an account, or catching up with a
 * password changed elsewhere. KDF parameters below the floor are refused before any derivation.
 * Gives every epoch's vault key the copy holds, epoch 0 first (one key before any rotation).
 */
export const openWrappedEpochKeys = async (
  input: WrappedKeyInput,
): Promise<Result<readonly VaultKey[], VaultError>> => {
  const passwordKey = await derivePasswordKey({
    password: input.password,
    salt: input.salt,
    address: input.address,
    params: input.kdf,
    ...floorOption(input.deps),
  });
  if (!passwordKey.ok) return passwordKey;
  const { wrapKey, authSecret } = accountKeysFromPasswordKey(
    passwordKey.value,
    input.secretKey,
    input.salt,
    input.address,
  );
  wipe(passwordKey.value, authSecret);
  const epochKeys = unwrapEpochKeys(wrapKey, input.wrappedVaultKey, {
    address: input.address,
    vaultId: input.vaultId,
  });
  wipe(wrapKey);
  return epochKeys;
};
