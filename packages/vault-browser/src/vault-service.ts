/**
 * The vault API a browser's owning worker serves to every tab (see `vault-worker.ts`): accounts,
 * unlock and lock, items, history, conflicts, live-query runs. Every argument and answer is
 * plain data (structured-cloneable), so a call crosses a MessagePort or a BroadcastChannel as
 * is. Platform-free: it runs on any `AccountStorage`, which is how Node tests exercise it too.
 */

import { err, ok, type Result } from "@keypears/base";
import {
  type KdfParams,
  parseSecretKey,
  type SecretKeyError,
  type VaultKey,
  wipe,
} from "@keypears/crypto";
import type { DeviceId, FieldValue } from "@keypears/sync-core";
import { createAccount, openAccountFile, unlockAccountFile } from "@keypears/vault/core";
import type { VaultDeps } from "@keypears/vault/core";
import type { AccountStorage } from "@keypears/vault/core";
import type { Address } from "@keypears/vault/core";
import { describeVaultError, type VaultError } from "@keypears/vault/core";
import type { Item } from "@keypears/vault/core";
import {
  type LiveCursor,
  type LiveDelta,
  type LiveQuery,
  type LiveResult,
  runLiveDelta,
  runLiveQuery,
} from "@keypears/vault/core";
import type { ListFilter } from "@keypears/vault/core";
import type { ViewOpener } from "@keypears/vault/core";
import type { OpenError } from "@keypears/vault/core";
import {
  type ItemHistory,
  type NewItemInput,
  openVault,
  type ResolveChoice,
  type Vault,
} from "@keypears/vault/core";
import type { SyncStatus } from "@keypears/vault/core";
import type {
  Device,
  FollowPasswordChangeError,
  SyncError,
  SyncReport,
} from "@keypears/sync-client/core";
import {
  createSyncService,
  type LiveSyncState,
  type SignInError,
  type SignInRequest,
  type SyncServiceOptions,
} from "./sync-service.ts";
import type { HealthReport } from "@keypears/health";
import { createHealthService, type HealthRequest } from "./health-service.ts";
import { acknowledgeDevices, type DeviceTrust, deviceTrust } from "./device-trust-service.ts";
import {
  type ContactsView,
  type ContactView,
  createShareService,
  type InboxShare,
  type SentShare,
  type ShareFailure,
  type ShareRequest,
} from "./share-service.ts";
import {
  type ExportError,
  type ExportedFile,
  exportFile,
  type ExportRequest,
  type ImportFileError,
  importFile,
  type ImportRequest,
  type ImportSummary,
} from "./transfer-service.ts";

export interface AccountSummary {
  readonly address: Address;
  readonly serverUrl: string | null;
  readonly localOnly: boolean;
  readonly unlocked: boolean;
}

export interface CreatedAccount {
  readonly address: Address;
  /** Shown once: the Secret Key and the recovery kit that holds it. Never stored in plaintext. */
  readonly secretKey: string;
  readonly recoveryKit: string;
}

export interface CreateAccountRequest {
  readonly address: string;
  readonly password: string;
  /** For a synced address: the server when it is not `https://<domain>`. */
  readonly serverUrl?: string;
  /** For a synced address: this device's name on the server. */
  readonly deviceName?: string;
  readonly kdf?: KdfParams;
}

/** A device revoked from this browser, and whether the new vault key reached the server. */
export interface RevokedDevice {
  readonly device: Device;
  /**
   * Whether the server now holds every key epoch's vault key wrapped under the password and
   * Secret Key (docs/PROTOCOL.md 16.7), so a device that signs in later reads what is written
   * after the revocation. When not, `problem` says why; the next unlock here sends it.
   */
  readonly keyPublished: boolean;
  readonly problem: SyncError | null;
}

/** A vault call on a locked (or never unlocked) account. */
export class VaultLockedError extends Error {
  constructor(readonly address: string) {
    super(`the vault of ${address} is locked; unlock it first`);
  }
}

/** The API, method by method: what the page-side client mirrors as async calls. */
export interface VaultApi {
  readonly accounts: () => readonly AccountSummary[];
  /** A local-only account (`name@localhost`), or a synced one, registered on its server at once. */
  readonly createAccount: (
    request: CreateAccountRequest,
  ) => Promise<Result<CreatedAccount, VaultError | SyncError>>;
  /** Adds an existing account to this browser (password + Secret Key) and unlocks it. */
  readonly signIn: (request: SignInRequest) => Promise<Result<AccountSummary, SignInError>>;
  readonly unlock: (
    address: string,
    password: string,
  ) => Promise<Result<AccountSummary, VaultError>>;
  /** Drops the vault's keys from memory (in every tab: the worker tells the others). */
  readonly lock: (address: string) => void;
  readonly add: (address: string, input: NewItemInput) => Result<Item, VaultError>;
  /** Adds several items in one transaction (imports): all are added, or none (the first error). */
  readonly addMany: (
    address: string,
    inputs: readonly NewItemInput[],
  ) => Result<readonly Item[], VaultError>;
  readonly edit: (
    address: string,
    ref: string,
    changes: Readonly<Record<string, FieldValue>>,
  ) => Result<Item, VaultError>;
  readonly trash: (address: string, ref: string) => Result<Item, VaultError>;
  readonly restore: (address: string, ref: string) => Result<Item, VaultError>;
  readonly purge: (address: string, ref: string) => Result<Item, VaultError>;
  readonly get: (address: string, ref: string) => Result<Item, VaultError>;
  readonly list: (address: string, filter?: ListFilter) => readonly Item[];
  readonly history: (
    address: string,
    ref: string,
    field?: string,
  ) => Result<ItemHistory, VaultError>;
  readonly conflicts: (address: string) => ReturnType<Vault["conflicts"]>;
  readonly resolve: (
    address: string,
    ref: string,
    field: string,
    choice: ResolveChoice,
  ) => Result<Item, VaultError>;
  readonly totp: (address: string, ref: string) => ReturnType<Vault["totp"]>;
  readonly problems: (address: string) => readonly OpenError[];
  readonly syncStatus: (address: string) => SyncStatus;
  /** One sync: push, pull, verify, apply. */
  readonly sync: (address: string) => Promise<Result<SyncReport, SyncError>>;
  /** Syncs live (head stream, backoff, paused while offline) until stopped or locked. */
  readonly startLiveSync: (address: string) => void;
  readonly stopLiveSync: (address: string) => void;
  readonly liveSyncState: (address: string) => LiveSyncState;
  /** The account's devices on its server (the current one marked). */
  readonly devices: (address: string) => Promise<Result<readonly Device[], SyncError>>;
  readonly renameDevice: (
    address: string,
    id: string,
    name: string,
  ) => Promise<Result<Device, SyncError>>;
  /**
   * Revokes a device: it can no longer sync. The revocation is signed into the log with a rekey
   * (a new key epoch the revoked device never receives); once verified, the new key is sent to
   * the server wrapped under `password` (checked first: a wrong one revokes nothing).
   */
  readonly revokeDevice: (
    address: string,
    id: string,
    password: string,
  ) => Promise<Result<RevokedDevice, SyncError | { readonly kind: "wrong-credentials" }>>;
  /**
   * After the server ended this device's session: whether the account's credentials changed on
   * the server (a password changed on another device), asked without a session.
   */
  readonly credentialsChanged: (address: string) => Promise<Result<boolean, SyncError>>;
  /**
   * Follows a master password changed on another device: with `current` (what this browser's
   * file is sealed under) it opens the Secret Key the file holds, signs in again as the same
   * device with `next`, and re-protects the file under `next`, so `current` no longer unlocks it.
   * A wrong `next` (or a Secret Key changed too) is `wrong-credentials`; nothing changes. With
   * `secretKey` (as typed from the new recovery kit, after `passwd --new-secret-key`) it signs in
   * with that Secret Key and seals it in the file instead.
   */
  readonly followPasswordChange: (
    address: string,
    current: string,
    next: string,
    secretKey?: string,
  ) => Promise<Result<void, FollowPasswordChangeError | SecretKeyError>>;
  /** Changes the master password on the server, then on this device (the vault key stays); a local-only account changes it on this device alone. */
  readonly changePassword: (
    address: string,
    current: string,
    next: string,
  ) => Promise<Result<void, SyncError | { readonly kind: "wrong-credentials" }>>;
  /** Reads an export file: a preview (`dryRun`), or the import committed in one transaction. */
  readonly importFile: (
    address: string,
    request: ImportRequest,
  ) => Promise<Result<ImportSummary, ImportFileError>>;
  /** Every item (the trash too) as a file: encrypted (`keypears`) or plaintext. */
  readonly exportFile: (
    address: string,
    request: ExportRequest,
  ) => Promise<Result<ExportedFile, ExportError>>;
  /** The password health report, made here on the device (the exposed check only when asked). */
  readonly healthReport: (address: string, request: HealthRequest) => Promise<HealthReport>;
  /** Dismisses a health finding on its item (or brings it back). */
  readonly setFindingDismissed: (
    address: string,
    itemId: string,
    dismissKey: string,
    dismissed: boolean,
  ) => Promise<Result<Item, VaultError>>;
  /** The roster verified in the log, the vault fingerprint, and enrolments not yet shown here. */
  readonly deviceTrust: (address: string) => DeviceTrust;
  /** The person saw the new devices enrolled up to this log position. */
  readonly acknowledgeDevices: (address: string, upTo: number) => void;
  /** Seals an item's fields to another address and hands the share to this account's server. */
  readonly shareItem: (
    address: string,
    request: ShareRequest,
  ) => Promise<Result<SentShare, ShareFailure>>;
  /** The inbox, each share verified against its sender's pinned key log and opened. */
  readonly shareInbox: (address: string) => Promise<Result<readonly InboxShare[], ShareFailure>>;
  /** Copies a share into the vault (with who shared it and when) and removes it from the inbox. */
  readonly acceptShare: (
    address: string,
    id: string,
  ) => Promise<Result<{ itemId: string; title: string; from: string }, ShareFailure>>;
  readonly declineShare: (
    address: string,
    id: string,
  ) => Promise<Result<{ id: string }, ShareFailure>>;
  /**
   * Resolves when the account's inbox changed on the server (a share arrived or left), pushed over
   * the inbox stream, with the new revision; at once when `seen` is not the current revision,
   * and with the same revision after at most 25 s (call again). No request to the server per call.
   */
  readonly waitForInbox: (address: string, seen: number) => Promise<number>;
  /** The senders this account's server refuses shares from. */
  readonly blockedSenders: (address: string) => Promise<Result<readonly string[], ShareFailure>>;
  /** Makes the server refuse (or accept again) shares from `sender`; the list after the change. */
  readonly blockSender: (
    address: string,
    sender: string,
    blocked: boolean,
  ) => Promise<Result<readonly string[], ShareFailure>>;
  /** This account's safety number and the pinned contacts with theirs. */
  readonly contacts: (address: string) => Promise<Result<ContactsView, ShareFailure>>;
  /** Marks a contact verified (pinning its current keys again with `repin`, after a key change). */
  readonly verifyContact: (
    address: string,
    contact: string,
    repin: boolean,
  ) => Promise<Result<ContactView, ShareFailure>>;
  /** Runs a live query once (the worker re-runs it after each commit notice). */
  readonly query: <Q extends LiveQuery>(address: string, query: Q) => LiveResult<Q>;
  /** Runs a live query as a delta from an earlier run's cursor (what the workers' live queries call). */
  readonly queryDelta: <Q extends LiveQuery>(
    address: string,
    query: Q,
    since?: LiveCursor,
  ) => LiveDelta<Q>;
}

/** What one worker hands to the next owner so that a tab closing does not lock the others. */
export interface VaultSession {
  readonly address: Address;
  readonly vaultKey: VaultKey;
}

export interface VaultServiceHooks {
  /** The browser's online/offline events, for live sync. */
  readonly network?: SyncServiceOptions["network"];
  /** A vault was unlocked here: its key, for the other workers to hold. */
  readonly onUnlock?: (session: VaultSession) => void;
  readonly onLock?: (address: Address) => void;
  /** A commit through any open vault. */
  readonly onCommit?: (address: Address) => void;
  /**
   * Opens a share of the item views on another thread at unlock (`Vault.preloadItems`); without
   * it, the items are opened here, on the turn after unlock answers.
   */
  readonly viewOpener?: { readonly open: ViewOpener; readonly warm: () => void };
}

export interface VaultService {
  readonly api: VaultApi;
  /** The open vault of an address, if unlocked here. */
  readonly vault: (address: string) => Vault | undefined;
  /**
   * While the items of a vault just unlocked are being opened (`Vault.preloadItems`): when they
   * are. Undefined otherwise. A live query waits for it rather than open them all a second time.
   */
  readonly warming: (address: string) => Promise<void> | undefined;
  /** Opens a vault with a key handed over by a previous owner (no key derivation). */
  readonly adopt: (session: VaultSession) => Result<void, VaultError>;
  /** Closes every vault (the keys are wiped); the storage stays. */
  readonly close: () => void;
}

export const createVaultService = (
  storage: AccountStorage,
  deps: VaultDeps,
  hooks: VaultServiceHooks = {},
): VaultService => {
  const open = new Map<string, { vault: Vault; stopNotices: () => void }>();
  const warming = new Map<string, Promise<void>>();

  /**
   * The list is what a page asks for first: its items are opened and sorted now, while the unlock's
   * answer crosses to the page and the page draws the vault screen, instead of after (on the turn
   * after that answer). With a view opener, a share of them is opened on another thread meanwhile.
   */
  const warm = (vault: Vault): void => {
    const opener = hooks.viewOpener;
    const { address } = vault;
    const done = new Promise<void>((resolve) => {
      setTimeout(() => {
        if (open.get(address)?.vault !== vault) return resolve();
        const preloaded =
          opener === undefined ? Promise.resolve() : vault.preloadItems(opener.open);
        preloaded
          .then(() => {
            if (open.get(address)?.vault === vault) vault.list();
          })
          .catch(() => {
            // Locked meanwhile: nothing to warm.
          })
          .finally(resolve);
      }, 0);
    });
    warming.set(address, done);
    void done.then(() => {
      if (warming.get(address) !== done) return;
      warming.delete(address);
      // The live queries that waited for the items run now.
      hooks.onCommit?.(address);
    });
  };

  const attach = (vault: Vault): void => {
    const stopNotices = vault.onCommit(() => hooks.onCommit?.(vault.address));
    open.set(vault.address, { vault, stopNotices });
  };
  /** Locks and forgets an open vault; `notify: false` for one reopened at once (the pages see no lock). */
  const detach = (address: string, notify = true): boolean => {
    const entry = open.get(address);
    if (entry === undefined) return false;
    // Live queries waiting for its items run at the lock's notice (and fail: it is locked).
    warming.delete(address);
    sync.stopLive(address, notify);
    stopInboxWatch(address);
    health.forget(address);
    open.delete(address);
    entry.stopNotices();
    entry.vault.lock();
    return true;
  };
  const vaultOf = (address: string): Vault => {
    const entry = open.get(address);
    if (entry === undefined) throw new VaultLockedError(address);
    return entry.vault;
  };
  const sync = createSyncService({
    storage,
    deps,
    vaultOf,
    ...(hooks.network === undefined ? {} : { network: hooks.network }),
    onLiveState: (address) => hooks.onCommit?.(address as Address),
  });
  const health = createHealthService(deps);
  const sharing = createShareService(deps);
  /** Like the CLI's sync round: the identity and contacts other devices made arrive first. */
  const synced = async (address: string): Promise<Vault> => {
    const vault = vaultOf(address);
    if (!vault.localOnly) await sync.syncOnce(address);
    return vault;
  };
  /**
   * The inbox streams this worker follows, per unlocked account: `revision` counts the summaries
   * heard, and each waiter of `waitForInbox` is woken by the next one. Started by the first
   * waiter, stopped on lock.
   */
  const inboxWatches = new Map<
    string,
    { revision: number; readonly waiters: Set<() => void>; readonly controller: AbortController }
  >();
  const stopInboxWatch = (address: string): void => {
    const watch = inboxWatches.get(address);
    if (watch === undefined) return;
    inboxWatches.delete(address);
    watch.controller.abort();
    for (const wake of watch.waiters) wake();
  };
  const inboxWatch = (address: string) => {
    const known = inboxWatches.get(address);
    if (known !== undefined) return known;
    const vault = vaultOf(address);
    const watch = {
      revision: 0,
      waiters: new Set<() => void>(),
      controller: new AbortController(),
    };
    inboxWatches.set(address, watch);
    void sharing.followInbox(
      vault,
      () => {
        watch.revision += 1;
        for (const wake of watch.waiters) wake();
        watch.waiters.clear();
      },
      watch.controller.signal,
    );
    return watch;
  };

  /**
   * Accounts made before sharing (or whose identity could not be made at creation) get it on
   * unlock, after a sync so one another device made arrives first. In the background: unlock
   * does not wait for the network, and a failure (offline, locked again) waits for the next one.
   */
  const identityOnUnlock = async (address: string, password: string): Promise<void> => {
    try {
      const vault = await synced(address);
      const identity = await sharing.setUpIdentity(vault);
      if (identity.ok && identity.value.created) await sync.syncOnce(address);
      // The one moment the web app holds the password: a rotation this browser verified whose
      // key the server's wrapped copy lacks (a revocation here whose key was not sent) is sent now.
      await sync.publishEpochKeys(address, password);
    } catch {
      // Locked again meanwhile, or the worker's owner changed: the next unlock tries again.
    }
  };
  const summary = (address: Address, serverUrl: string | null): AccountSummary => ({
    address,
    serverUrl,
    localOnly: address.endsWith("@localhost"),
    unlocked: open.has(address),
  });

  const api: VaultApi = {
    accounts: () =>
      storage.list().map((address) => {
        const vault = open.get(address)?.vault;
        if (vault !== undefined) return summary(address, vault.serverUrl);
        const file = openAccountFile(storage, address);
        if (!file.ok) return summary(address, null);
        file.value.db.close();
        return summary(address, file.value.account.serverUrl);
      }),
    createAccount: async (request) => {
      const created = request.address.endsWith("@localhost")
        ? await createAccount({
            storage,
            address: request.address,
            password: request.password,
            ...(request.kdf === undefined ? {} : { kdf: request.kdf }),
            deps,
          })
        : await sync.createSynced({
            address: request.address,
            password: request.password,
            ...(request.serverUrl === undefined ? {} : { serverUrl: request.serverUrl }),
            deviceName: request.deviceName ?? "browser",
          });
      if (!created.ok) return created;
      const vault = created.value.vault;
      // A synced account can receive shares from the start: its identity is made, published and
      // pushed now (a failure only delays it to the next unlock).
      if (!vault.localOnly) {
        const identity = await sharing.setUpIdentity(vault).catch(() => undefined);
        if (identity?.ok === true) await sync.syncVault(vault).catch(() => undefined);
      }
      // Created accounts start locked: unlocking is the one path that hands keys around.
      vault.lock();
      return ok({
        address: created.value.vault.address,
        secretKey: created.value.secretKey,
        recoveryKit: created.value.recoveryKit,
      });
    },
    unlock: async (address, password) => {
      hooks.viewOpener?.warm();
      const unlocked = await unlockAccountFile({ storage, address, password, deps });
      if (!unlocked.ok) return unlocked;
      const { db, account, vaultKey } = unlocked.value;
      const handed = vaultKey.slice() as VaultKey;
      detach(account.address);
      const vault = openVault({ db, account, vaultKey, deps });
      attach(vault);
      warm(vault);
      hooks.onUnlock?.({ address: account.address, vaultKey: handed });
      if (!account.address.endsWith("@localhost")) void identityOnUnlock(account.address, password);
      return ok(summary(account.address, account.serverUrl));
    },
    signIn: async (request) => {
      const signedIn = await sync.signIn(request);
      if (!signedIn.ok) return signedIn;
      // Opened again through unlock, the one path that hands the key to the other tabs.
      signedIn.value.lock();
      return api.unlock(request.address, request.password);
    },
    sync: (address) => sync.syncOnce(address),
    startLiveSync: (address) => sync.startLive(address),
    stopLiveSync: (address) => sync.stopLive(address),
    liveSyncState: (address) => sync.liveState(address),
    devices: async (address) => {
      const client = await sync.client(address);
      return client.ok ? client.value.devices() : client;
    },
    // The server's table is its access-control copy; as `keypears devices` does, the change is
    // also signed into the vault's log, the roster every device verifies (a device not yet
    // enrolled, or a rule the roster refuses, leaves the log as it is: the server still refuses).
    renameDevice: async (address, id, name) => {
      const client = await sync.client(address);
      if (!client.ok) return client;
      const renamed = await client.value.renameDevice(id, name);
      if (renamed.ok)
        vaultOf(address).sync.writeRosterEvent({ kind: "rename", deviceId: id as DeviceId, name });
      return renamed;
    },
    revokeDevice: async (address, id, password) => {
      const client = await sync.client(address);
      if (!client.ok) return client;
      const checked = await vaultOf(address).checkPassword(password);
      if (!checked.ok)
        return checked.error.kind === "wrong-credentials"
          ? err({ kind: "wrong-credentials" as const })
          : err({ kind: "local" as const, detail: describeVaultError(checked.error) });
      const revoked = await client.value.revokeDevice(id);
      if (!revoked.ok) return revoked;
      vaultOf(address).sync.writeRosterEvent({ kind: "revoke", deviceId: id as DeviceId });
      // As `keypears devices revoke`: push the revocation and its rekey, verify them, and send
      // the new epoch's key wrapped under the password for devices that sign in later (16.7).
      const published = await sync.publishEpochKeys(address, password);
      const keyPublished = published.ok && vaultOf(address).sync.keyEpochs().sealing > 0;
      return ok({
        device: revoked.value,
        keyPublished,
        problem: published.ok
          ? keyPublished
            ? null
            : { kind: "local" as const, detail: "the rotation is not verified yet" }
          : published.error.kind === "wrong-credentials"
            ? { kind: "local" as const, detail: "the master password does not open this vault" }
            : published.error,
      });
    },
    credentialsChanged: (address) => sync.credentialsChanged(address),
    followPasswordChange: async (address, current, next, secretKey) => {
      const vault = vaultOf(address);
      if (vault.localOnly)
        return err({ kind: "rejected", detail: `${address} is local only: it has no server` });
      const newSecretKey = secretKey === undefined ? undefined : parseSecretKey(secretKey);
      if (newSecretKey !== undefined && !newSecretKey.ok) return newSecretKey;
      // Checked while the vault is open: past this point it can always be opened again.
      const checked = await vault.checkPassword(current);
      if (!checked.ok)
        return checked.error.kind === "wrong-credentials"
          ? err({ kind: "wrong-current-password" as const })
          : err({ kind: "local" as const, detail: describeVaultError(checked.error) });
      // The file is closed while it is re-protected, without telling the pages (they would show
      // the unlock screen); the vault key does not change, so the other workers' copies stay good.
      let closed = false;
      const followed = await sync.followPasswordChange(
        vault,
        current,
        next,
        () => {
          closed = true;
          detach(address, false);
        },
        newSecretKey?.value,
      );
      if (newSecretKey !== undefined) wipe(newSecretKey.value);
      if (!followed.ok) {
        if (!closed) return followed; // the server was not reached: the vault stayed open
        const reopened = await unlockAccountFile({ storage, address, password: current, deps });
        if (!reopened.ok) {
          hooks.onLock?.(address as Address);
          return followed;
        }
        attach(openVault({ ...reopened.value, deps }));
        sync.startLive(address);
        return followed;
      }
      attach(followed.value);
      sync.startLive(address);
      hooks.onCommit?.(address as Address);
      void sync.publishEpochKeys(address, next).catch(() => undefined);
      return ok(undefined);
    },
    changePassword: async (address, current, next) => {
      const vault = vaultOf(address);
      if (vault.localOnly) {
        // No server to tell: re-wrap the vault key under the new password in the vault file.
        const change = await vault.changePassword(current, next);
        if (!change.ok)
          return change.error.kind === "wrong-credentials"
            ? err({ kind: "wrong-credentials" as const })
            : err({ kind: "local" as const, detail: describeVaultError(change.error) });
        change.value.commit();
        return ok(undefined);
      }
      const client = await sync.client(address);
      return client.ok ? client.value.changePassword(current, next) : client;
    },
    lock: (address) => {
      if (detach(address)) hooks.onLock?.(address as Address);
    },
    add: (address, input) => vaultOf(address).add(input),
    addMany: (address, inputs) => vaultOf(address).addMany(inputs),
    edit: (address, ref, changes) => vaultOf(address).edit(ref, changes),
    trash: (address, ref) => vaultOf(address).trash(ref),
    restore: (address, ref) => vaultOf(address).restore(ref),
    purge: (address, ref) => vaultOf(address).purge(ref),
    get: (address, ref) => vaultOf(address).get(ref),
    list: (address, filter) => vaultOf(address).list(filter),
    history: (address, ref, field) => vaultOf(address).history(ref, field),
    conflicts: (address) => vaultOf(address).conflicts(),
    resolve: (address, ref, field, choice) => vaultOf(address).resolve(ref, field, choice),
    totp: (address, ref) => vaultOf(address).totp(ref),
    problems: (address) => vaultOf(address).problems(),
    syncStatus: (address) => vaultOf(address).sync.status(),
    importFile: (address, request) => importFile(vaultOf(address), request),
    exportFile: (address, request) => exportFile(vaultOf(address), request, deps.now()),
    healthReport: (address, request) => health.report(vaultOf(address), request),
    setFindingDismissed: (address, itemId, key, dismissed) =>
      health.setDismissed(vaultOf(address), itemId, key, dismissed),
    deviceTrust: (address) => deviceTrust(vaultOf(address)),
    acknowledgeDevices: (address, upTo) => {
      acknowledgeDevices(vaultOf(address), upTo);
      hooks.onCommit?.(address as Address);
    },
    shareItem: async (address, request) => sharing.send(await synced(address), request),
    shareInbox: async (address) => sharing.inbox(await synced(address)),
    acceptShare: async (address, id) => {
      const accepted = await sharing.accept(await synced(address), id);
      if (accepted.ok) void sync.syncOnce(address);
      return accepted;
    },
    declineShare: async (address, id) => sharing.decline(vaultOf(address), id),
    contacts: async (address) => sharing.contacts(vaultOf(address)),
    blockedSenders: async (address) => sharing.blocked(vaultOf(address)),
    blockSender: async (address, sender, blocked) =>
      sharing.block(vaultOf(address), sender, blocked),
    waitForInbox: async (address, seen) => {
      // A local-only account has no inbox: nothing ever changes (answered after the same pause).
      const watch = address.endsWith("@localhost") ? undefined : inboxWatch(address);
      if (watch !== undefined && watch.revision !== seen) return watch.revision;
      // Answered at the latest after 25 s, so a page never waits on a call its owner forgot.
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          watch?.waiters.delete(wake);
          resolve();
        }, 25_000);
        watch?.waiters.add(wake);
      });
      return watch?.revision ?? seen;
    },
    verifyContact: async (address, contact, repin) =>
      sharing.verifyContact(await synced(address), contact, { repin }),
    query: (address, query) => runLiveQuery(vaultOf(address), query),
    queryDelta: (address, query, since) => runLiveDelta(vaultOf(address), query, since),
  };

  return {
    api,
    vault: (address) => open.get(address)?.vault,
    warming: (address) => warming.get(address),
    adopt: (session) => {
      const file = openAccountFile(storage, session.address);
      if (!file.ok) return file;
      detach(session.address);
      attach(openVault({ ...file.value, vaultKey: session.vaultKey.slice() as VaultKey, deps }));
      return ok(undefined);
    },
    close: () => {
      sync.close();
      for (const address of open.keys()) detach(address);
    },
  };
};
