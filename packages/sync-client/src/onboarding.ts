/**
 * Bringing an account to a server and a server's account to a device: registration after `init`,
 * sign-in of a new device (`login`), and signing in again on a device that already has the vault.
 * Every parameter the server sends back is checked before it is used: KDF parameters against this
 * client's floor, the salt and parameters of sign-in against those of pre-login, and the wrapped
 * vault key against the credentials the server just accepted.
 */

import {
  base64UrlToBytes,
  bytesEqual,
  bytesToBase64Url,
  err,
  ok,
  type Result,
} from "@keypears/base";
import type { KeypearsClient, WireSession } from "@keypears/api";
import {
  accountKeysFromPasswordKey,
  checkKdfParams,
  derivePasswordKey,
  type KdfParams,
  type SecretKey,
  wipe,
} from "@keypears/crypto";
import { createDeviceId, type DeviceId, systemDeps, type VaultId } from "@keypears/sync-core";
import {
  type AccountStorage,
  defaultVaultDeps,
  describeVaultError,
  floorOption,
  joinAccount,
  openAccountFile,
  rekeyAccountFile,
  type Registration,
  unlockKeys,
  type Vault,
  type VaultDeps,
} from "@keypears/vault/core";
import { callServer, createServerClient, type ServerEndpoint } from "./server-client.ts";
import { saveSession } from "./session.ts";
import type { SyncError } from "./sync-error.ts";

export type OnboardingError =
  SyncError | { readonly kind: "wrong-credentials" } | { readonly kind: "account-exists" };

const kdfEqual = (a: KdfParams, b: KdfParams): boolean =>
  a.algorithm === b.algorithm &&
  a.memoryKiB === b.memoryKiB &&
  a.iterations === b.iterations &&
  a.parallelism === b.parallelism;

/** Registers a freshly created local account on its server and keeps the session. */
export const registerAccount = async (
  vault: Vault,
  registration: Registration,
  server: ServerEndpoint,
  deviceName: string,
): Promise<Result<WireSession, SyncError>> => {
  const client = createServerClient(server.apiUrl);
  const session = await callServer(() =>
    client.accounts.register({
      address: registration.address,
      authSecret: bytesToBase64Url(registration.authSecret),
      kdf: { ...registration.kdf },
      salt: bytesToBase64Url(registration.salt),
      device: { id: registration.deviceId, name: deviceName },
      vault: {
        vaultId: registration.vaultId,
        wrappedVaultKey: bytesToBase64Url(registration.wrappedVaultKey),
      },
    }),
  );
  if (!session.ok) return session;
  saveSession(vault, session.value);
  vault.sync.setDeviceName(deviceName);
  return session;
};

export interface LoginInput {
  /** Where this device keeps its vault files (Node: `nodeAccountStorage(home)`; a browser: OPFS). */
  readonly storage: AccountStorage;
  readonly address: string;
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly server: ServerEndpoint;
  readonly deviceName: string;
  readonly deps?: VaultDeps;
}

interface Authenticated {
  readonly session: WireSession;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
}

/**
 * Pre-login, the floor check, the key derivation and sign-in, with every parameter the server
 * sends checked: the KDF parameters against this client's floor before any use, and sign-in's
 * parameters and salt against pre-login's.
 */
const authenticate = async (
  client: KeypearsClient,
  input: LoginInput,
  deviceId: DeviceId,
  deps: VaultDeps,
): Promise<Result<Authenticated, OnboardingError>> => {
  const pre = await callServer(() => client.accounts.preLogin({ address: input.address }));
  if (!pre.ok) return pre;
  const kdf = pre.value.kdf as KdfParams;
  const checked = checkKdfParams(kdf, floorOption(deps));
  if (!checked.ok) return err({ kind: "key-material", detail: checked.error.message });
  const salt = base64UrlToBytes(pre.value.salt);
  const passwordKey = await derivePasswordKey({
    password: input.password,
    salt,
    address: input.address,
    params: kdf,
    ...floorOption(deps),
  });
  if (!passwordKey.ok) return err({ kind: "key-material", detail: passwordKey.error.message });
  const { authSecret, wrapKey } = accountKeysFromPasswordKey(
    passwordKey.value,
    input.secretKey,
    salt,
    input.address,
  );
  wipe(passwordKey.value, wrapKey);
  const session = await callServer(() =>
    client.accounts.login({
      address: input.address,
      authSecret: bytesToBase64Url(authSecret),
      device: { id: deviceId, name: input.deviceName },
    }),
  );
  wipe(authSecret);
  if (!session.ok) {
    return session.error.kind === "rejected" && session.error.code === "INVALID_CREDENTIALS"
      ? err({ kind: "wrong-credentials" })
      : session;
  }
  const { account } = session.value;
  if (
    !kdfEqual(account.kdf as KdfParams, kdf) ||
    !bytesEqual(base64UrlToBytes(account.salt), salt)
  ) {
    return err({
      kind: "key-material",
      detail: "sign-in returned other KDF parameters or salt than pre-login",
    });
  }
  return ok({ session: session.value, kdf, salt });
};

/** The server accepted these credentials, so a vault key that does not open with them is the server's doing. */
const keyRefused: OnboardingError = {
  kind: "key-material",
  detail: "the vault key the server sent does not open with your credentials",
};

/** Signs a new device in and creates its local vault; the vault's contents come by syncing. */
export const loginNewDevice = async (
  input: LoginInput,
): Promise<Result<Vault, OnboardingError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const client = createServerClient(input.server.apiUrl);
  const deviceId = createDeviceId(deps.randomBytes ?? systemDeps.randomBytes);
  const signedIn = await authenticate(client, input, deviceId, deps);
  if (!signedIn.ok) return signedIn;
  const { session, kdf, salt } = signedIn.value;
  const vaultKey = session.account.vaults[0];
  if (vaultKey === undefined || session.account.vaults.length !== 1) {
    return err({
      kind: "key-material",
      detail: `expected exactly one vault, the server listed ${session.account.vaults.length}`,
    });
  }
  const joined = await joinAccount({
    storage: input.storage,
    address: input.address,
    password: input.password,
    secretKey: input.secretKey,
    serverUrl: input.server.url,
    kdf,
    salt,
    vaultId: vaultKey.vaultId as VaultId,
    wrappedVaultKey: base64UrlToBytes(vaultKey.wrappedVaultKey),
    deviceId: session.deviceId as DeviceId,
    deps,
  });
  if (!joined.ok) {
    if (joined.error.kind === "account-exists") return err({ kind: "account-exists" });
    if (joined.error.kind === "wrong-credentials") return err(keyRefused);
    return err({ kind: "local", detail: describeVaultError(joined.error) });
  }
  saveSession(joined.value, session);
  joined.value.sync.setDeviceName(input.deviceName);
  // An account that requires approval (16.10): this device waits for an existing one to write
  // its enrolment, and tells the server its public keys so that device can show the same code.
  const pending = session.approval === "pending";
  joined.value.sync.setAwaitingApproval(pending);
  const registered = await registerDeviceKeys(joined.value, input.server, session.token);
  if (!registered.ok && pending) return registered;
  return ok(joined.value);
};

/** Sends this device's public keys to its server (once; the same keys again are accepted). */
export const registerDeviceKeys = async (
  vault: Vault,
  server: ServerEndpoint,
  token: string,
): Promise<Result<void, SyncError>> => {
  const keys = vault.sync.publicKeys();
  const sent = await callServer(() =>
    createServerClient(server.apiUrl, () => token).devices.setKeys({
      signingKey: bytesToBase64Url(keys.signingKey),
      exchangeKey: bytesToBase64Url(keys.exchangeKey),
    }),
  );
  return sent.ok ? ok(undefined) : sent;
};

/**
 * Signs in again a device that already holds the account: after its session expired, or after
 * the master password was changed on another device. The device keeps its id, its items and its
 * unsynced changes; its copy of the credentials is brought up to the server's (see
 * `rekeyAccountFile`, which also checks the vault key against this device's own data).
 */
export const loginExistingDevice = async (
  input: LoginInput,
): Promise<Result<Vault, OnboardingError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const local = openAccountFile(input.storage, input.address);
  if (!local.ok) return err({ kind: "local", detail: describeVaultError(local.error) });
  const { deviceId, vaultId } = local.value.account;
  local.value.db.close();
  const client = createServerClient(input.server.apiUrl);
  const signedIn = await authenticate(client, input, deviceId, deps);
  if (!signedIn.ok) return signedIn;
  const { session, kdf, salt } = signedIn.value;
  const vaultKey = session.account.vaults.find((v) => v.vaultId === vaultId);
  if (vaultKey === undefined)
    return err({ kind: "key-material", detail: "the server no longer lists this device's vault" });
  const rekeyed = await rekeyAccountFile({
    storage: input.storage,
    address: input.address,
    password: input.password,
    secretKey: input.secretKey,
    kdf,
    salt,
    wrappedVaultKey: base64UrlToBytes(vaultKey.wrappedVaultKey),
    deps,
  });
  if (!rekeyed.ok) {
    return rekeyed.error.kind === "wrong-credentials"
      ? err(keyRefused)
      : err({ kind: "local", detail: describeVaultError(rekeyed.error) });
  }
  saveSession(rekeyed.value, session);
  return ok(rekeyed.value);
};

/**
 * Compares what the server holds for this account with what this device holds. A difference means
 * the password was changed on another device, or the server is lying; either way sync stops. The
 * wrapped vault key alone may differ: a device re-wraps it with every epoch's key after a rotation
 * (docs/PROTOCOL.md 16.7) under the same salt, while a password change always draws a new salt.
 */
export const checkAccountParameters = async (
  vault: Vault,
  client: KeypearsClient,
): Promise<Result<void, SyncError>> => {
  const remote = await callServer(() => client.accounts.get());
  if (!remote.ok) return remote;
  const local = vault.sync.account();
  const sameVault = remote.value.vaults.find((v) => v.vaultId === local.vaultId);
  if (
    !kdfEqual(remote.value.kdf as KdfParams, local.kdf) ||
    !bytesEqual(base64UrlToBytes(remote.value.salt), local.salt) ||
    sameVault === undefined
  ) {
    return err({
      kind: "key-material",
      detail:
        "the server's KDF parameters or salt differ from this device's, or it no longer lists this vault (if you changed your password on another device, sign in again here)",
    });
  }
  return ok(undefined);
};

/**
 * Whether the server's account parameters differ from this device's, asked without a session
 * (pre-login): after a sign-in that failed because the session ended, it tells a password changed
 * on another device (a new salt) from an expired session or a revoked device (the same salt).
 */
export const credentialsChangedOnServer = async (
  vault: Vault,
  server: ServerEndpoint,
): Promise<Result<boolean, SyncError>> => {
  const pre = await callServer(() =>
    createServerClient(server.apiUrl).accounts.preLogin({ address: vault.address }),
  );
  if (!pre.ok) return pre;
  const local = vault.sync.account();
  return ok(
    !kdfEqual(pre.value.kdf as KdfParams, local.kdf) ||
      !bytesEqual(base64UrlToBytes(pre.value.salt), local.salt),
  );
};

/** A password given as this device's current one that does not open its file is `wrong-current-password`. */
export type FollowPasswordChangeError =
  OnboardingError | { readonly kind: "wrong-current-password" };

export interface FollowPasswordChangeInput extends Omit<LoginInput, "password" | "secretKey"> {
  /** The password this device's file is sealed under (the one it was unlocked with). */
  readonly currentPassword: string;
  /** The master password as it was changed on another device. */
  readonly newPassword: string;
}

/**
 * Follows a master password changed on another device: opens the Secret Key this device holds
 * (sealed in its file under the password it knew), signs in again as the same device with the new
 * password, and re-protects the file under it (`loginExistingDevice`), so the old password no
 * longer opens it. The caller's open vault may stay open until this succeeds (it then replaces it);
 * the file's account row is the only thing written. A wrong new password (or a Secret Key changed
 * too, by `passwd --new-secret-key`) is `wrong-credentials`, a wrong current password
 * `wrong-current-password`; either changes nothing.
 */
export const followPasswordChange = async (
  input: FollowPasswordChangeInput,
): Promise<Result<Vault, FollowPasswordChangeError>> => {
  const deps = input.deps ?? defaultVaultDeps;
  const local = openAccountFile(input.storage, input.address);
  if (!local.ok) return err({ kind: "local", detail: describeVaultError(local.error) });
  const { account } = local.value;
  local.value.db.close();
  const keys = await unlockKeys(account, input.currentPassword, deps);
  if (!keys.ok) {
    return keys.error.kind === "wrong-credentials"
      ? err({ kind: "wrong-current-password" })
      : err({ kind: "local", detail: describeVaultError(keys.error) });
  }
  const { secretKey, authSecret, wrapKey } = keys.value;
  wipe(authSecret, wrapKey, ...keys.value.epochKeys);
  try {
    return await loginExistingDevice({
      storage: input.storage,
      address: input.address,
      server: input.server,
      deviceName: input.deviceName,
      password: input.newPassword,
      secretKey,
      ...(input.deps === undefined ? {} : { deps: input.deps }),
    });
  } finally {
    wipe(secretKey);
  }
};
