/**
 * The sync side of the browser vault, run by the owning worker: an account registered on its
 * server at creation, sign-in on a new browser, one sync, and live sync (the server's head
 * stream over `fetch`, stopped while the browser is offline and started again when it is back,
 * with the sync client's backoff). The same sync client as Node's.
 */

import { err, ok, type Result } from "@keypears/base";
import { parseSecretKey, type SecretKey, type SecretKeyError } from "@keypears/crypto";
import type * as SyncClientCore from "@keypears/sync-client/core";
import type {
  FollowPasswordChangeError,
  OnboardingError,
  ServerEndpoint,
  SnapshotNotice,
  SyncClient,
  SyncError,
  SyncReport,
} from "@keypears/sync-client/core";
import {
  type AccountStorage,
  createAccount,
  type NewAccount,
  removeAccountFile,
  type Vault,
  type VaultDeps,
  type VaultError,
} from "@keypears/vault/core";

export interface SignInRequest {
  readonly address: string;
  readonly password: string;
  /** As typed or pasted from the recovery kit. */
  readonly secretKey: string;
  /** The server's address when it is not `https://<domain>` (a server on this machine). */
  readonly serverUrl?: string;
  readonly deviceName: string;
}

export interface SyncedAccountRequest {
  readonly address: string;
  readonly password: string;
  readonly serverUrl?: string;
  readonly deviceName: string;
}

export type SignInError = OnboardingError | VaultError | SecretKeyError;

export interface LiveSyncState {
  readonly running: boolean;
  readonly online: boolean;
  /** The last sync's outcome (`null` before the first). */
  readonly last: Result<SyncReport, SyncError> | null;
  /**
   * The last snapshot notice of a sync here (live or asked for), kept until a later sync stores a
   * snapshot or has a newer notice: live sync runs again at the next change, and a notice that
   * went with the sync that raised it would be gone before anyone read it.
   */
  readonly snapshot: SnapshotNotice | null;
}

export interface SyncServiceOptions {
  readonly storage: AccountStorage;
  readonly deps: VaultDeps;
  readonly vaultOf: (address: string) => Vault;
  /** Subscribes to the browser's online/offline events; absent where there are none. */
  readonly network?: {
    readonly online: () => boolean;
    readonly subscribe: (listener: (online: boolean) => void) => () => void;
  };
  /** Live sync's state changed (for the sync-status live query). */
  readonly onLiveState?: (address: string) => void;
}

type SyncClientModule = typeof SyncClientCore;

const domainOf = (address: string): string => address.slice(address.lastIndexOf("@") + 1);

/**
 * The sync client (its HTTP client, the API's contract and schemas, onboarding), loaded when a
 * server is first needed: a local account, and the unlock screen, never load it, and it stays
 * out of the vault worker's first load.
 */
let syncClientModule: Promise<SyncClientModule> | undefined;
const syncClient = (): Promise<SyncClientModule> =>
  (syncClientModule ??= import("@keypears/sync-client/core"));

export const createSyncService = (options: SyncServiceOptions) => {
  const { storage, deps } = options;
  const endpoints = new Map<string, ServerEndpoint>();
  const live = new Map<
    string,
    { controller: AbortController | undefined; last: LiveSyncState["last"] }
  >();
  /** Per address, the snapshot notice to show (see `LiveSyncState.snapshot`). */
  const snapshotNotices = new Map<string, SnapshotNotice>();
  const noteSnapshot = (address: string, result: Result<SyncReport, SyncError>): void => {
    if (!result.ok) return;
    if (result.value.snapshot !== undefined) snapshotNotices.set(address, result.value.snapshot);
    else if (result.value.snapshotStored !== undefined) snapshotNotices.delete(address);
  };

  const endpointFor = async (vault: Vault): Promise<Result<ServerEndpoint, SyncError>> => {
    const known = endpoints.get(vault.address);
    if (known !== undefined) return ok(known);
    const { discoverServer } = await syncClient();
    const found = await discoverServer(domainOf(vault.address), vault.serverUrl ?? undefined);
    if (found.ok) endpoints.set(vault.address, found.value);
    return found;
  };

  const runLive = (address: string): void => {
    const entry = live.get(address);
    if (entry === undefined || entry.controller !== undefined) return;
    if (options.network !== undefined && !options.network.online()) return;
    const vault = options.vaultOf(address);
    const controller = new AbortController();
    entry.controller = controller;
    options.onLiveState?.(address);
    void endpointFor(vault).then(async (endpoint) => {
      if (!endpoint.ok) {
        entry.last = endpoint;
      } else {
        const { createSyncClient } = await syncClient();
        const client = createSyncClient(vault, endpoint.value);
        const stopped = await client.watch({
          signal: controller.signal,
          onSync: (result) => {
            entry.last = result;
            noteSnapshot(address, result);
            options.onLiveState?.(address);
          },
        });
        if (stopped !== undefined) entry.last = err(stopped);
      }
      if (entry.controller === controller) entry.controller = undefined;
      options.onLiveState?.(address);
    });
  };

  const syncVault = async (vault: Vault): Promise<Result<SyncReport, SyncError>> => {
    if (vault.localOnly)
      return err({ kind: "rejected", detail: `${vault.address} is local only: it never syncs` });
    const endpoint = await endpointFor(vault);
    if (!endpoint.ok) return endpoint;
    const { createSyncClient } = await syncClient();
    const result = await createSyncClient(vault, endpoint.value).syncOnce();
    noteSnapshot(vault.address, result);
    if (result.ok && live.has(vault.address)) options.onLiveState?.(vault.address);
    return result;
  };

  const stopNetwork = options.network?.subscribe((online) => {
    for (const [address, entry] of live) {
      if (online) runLive(address);
      else {
        entry.controller?.abort();
        entry.controller = undefined;
        options.onLiveState?.(address);
      }
    }
  });

  return {
    /** Creates an account on this device and registers it on its server; nothing stays if registration fails. */
    createSynced: async (
      request: SyncedAccountRequest,
    ): Promise<Result<NewAccount, VaultError | SyncError>> => {
      const { discoverServer, registerAccount } = await syncClient();
      const endpoint = await discoverServer(domainOf(request.address), request.serverUrl);
      if (!endpoint.ok) return endpoint;
      const created = await createAccount({
        storage,
        address: request.address,
        password: request.password,
        serverUrl: endpoint.value.url,
        deps,
      });
      if (!created.ok) return created;
      const registered = await registerAccount(
        created.value.vault,
        created.value.registration,
        endpoint.value,
        request.deviceName,
      );
      if (!registered.ok) {
        created.value.vault.lock();
        removeAccountFile(storage, request.address);
        return registered;
      }
      return ok(created.value);
    },
    /** Signs this browser in to an existing account; its items come by syncing. */
    signIn: async (request: SignInRequest): Promise<Result<Vault, SignInError>> => {
      const secretKey = parseSecretKey(request.secretKey);
      if (!secretKey.ok) return secretKey;
      const { discoverServer, loginNewDevice } = await syncClient();
      const endpoint = await discoverServer(domainOf(request.address), request.serverUrl);
      if (!endpoint.ok) return endpoint;
      return loginNewDevice({
        storage,
        address: request.address,
        password: request.password,
        secretKey: secretKey.value,
        server: endpoint.value,
        deviceName: request.deviceName,
        deps,
      });
    },
    /**
     * Whether the server's salt or KDF parameters differ from this device's, asked without a session
     * (pre-login): after the server ended the session, a password changed on another device (true)
     * or an expired session or revoked device (false). The CLI asks the same.
     */
    credentialsChanged: async (address: string): Promise<Result<boolean, SyncError>> => {
      const vault = options.vaultOf(address);
      if (vault.localOnly) return ok(false);
      const endpoint = await endpointFor(vault);
      if (!endpoint.ok) return endpoint;
      const { credentialsChangedOnServer } = await syncClient();
      return credentialsChangedOnServer(vault, endpoint.value);
    },
    /**
     * Follows a password changed on another device (`followPasswordChange`, as the CLI): signs in
     * again as the same device with the Secret Key sealed in the file and re-protects the file
     * under the new password. The file is opened again, so `close` closes `vault` first (a
     * connection in the browser holds its file exclusively). Nothing in the file changes on failure.
     * With `newSecretKey` (the Secret Key was changed too, `passwd --new-secret-key`) it signs in
     * with that one instead (`loginExistingDevice`) and seals it in the file.
     */
    followPasswordChange: async (
      vault: Vault,
      currentPassword: string,
      newPassword: string,
      close: () => void,
      newSecretKey?: SecretKey,
    ): Promise<Result<Vault, FollowPasswordChangeError>> => {
      const endpoint = await endpointFor(vault);
      if (!endpoint.ok) return endpoint;
      const { followPasswordChange, loginExistingDevice } = await syncClient();
      const me = vault.sync.roster().find((entry) => entry.deviceId === vault.deviceId);
      const address = vault.address;
      close();
      if (newSecretKey !== undefined)
        return loginExistingDevice({
          storage,
          address,
          server: endpoint.value,
          deviceName: me?.name ?? "browser",
          password: newPassword,
          secretKey: newSecretKey,
          deps,
        });
      return followPasswordChange({
        storage,
        address,
        server: endpoint.value,
        deviceName: me?.name ?? "browser",
        currentPassword,
        newPassword,
        deps,
      });
    },
    /**
     * One sync, then the password-wrapped copy of every epoch's key to the server when its copy is
     * behind this device's (`SyncClient.publishEpochKeys`, as the CLI after a revocation or a
     * sync): true when a new copy was sent. Costs no key derivation when the copy is current.
     */
    publishEpochKeys: async (
      address: string,
      password: string,
    ): Promise<Result<boolean, SyncError | { readonly kind: "wrong-credentials" }>> => {
      const vault = options.vaultOf(address);
      if (vault.localOnly) return ok(false);
      const synced = await syncVault(vault);
      if (!synced.ok) return synced;
      if (vault.sync.keyEpochs().sealing === 0) return ok(false);
      const endpoint = await endpointFor(vault);
      if (!endpoint.ok) return endpoint;
      const { createSyncClient } = await syncClient();
      return createSyncClient(vault, endpoint.value).publishEpochKeys(password);
    },
    /** The sync client of an unlocked synced account: devices, password change. */
    client: async (address: string): Promise<Result<SyncClient, SyncError>> => {
      const vault = options.vaultOf(address);
      if (vault.localOnly)
        return err({ kind: "rejected", detail: `${address} is local only: it has no server` });
      const endpoint = await endpointFor(vault);
      if (!endpoint.ok) return endpoint;
      const { createSyncClient } = await syncClient();
      return ok(createSyncClient(vault, endpoint.value));
    },
    syncOnce: async (address: string): Promise<Result<SyncReport, SyncError>> =>
      syncVault(options.vaultOf(address)),
    /** One round for a vault that is open here but not (yet) attached, as right after creation. */
    syncVault: (vault: Vault): Promise<Result<SyncReport, SyncError>> => syncVault(vault),
    startLive: (address: string): void => {
      const vault = options.vaultOf(address);
      if (vault.localOnly) return;
      if (!live.has(address)) live.set(address, { controller: undefined, last: null });
      runLive(address);
    },
    /** Stops live sync (`notify: false`: without telling the pages, for a vault reopened at once). */
    stopLive: (address: string, notify = true): void => {
      live.get(address)?.controller?.abort();
      live.delete(address);
      snapshotNotices.delete(address);
      if (notify) options.onLiveState?.(address);
    },
    liveState: (address: string): LiveSyncState => {
      const entry = live.get(address);
      return {
        running: entry?.controller !== undefined,
        online: options.network?.online() ?? true,
        last: entry?.last ?? null,
        snapshot: snapshotNotices.get(address) ?? null,
      };
    },
    close: (): void => {
      stopNetwork?.();
      for (const entry of live.values()) entry.controller?.abort();
      live.clear();
    },
  };
};

export type SyncService = ReturnType<typeof createSyncService>;
