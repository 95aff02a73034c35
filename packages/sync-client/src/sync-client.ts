/**
 * The sync client of one unlocked vault: sync once or live, bootstrap a new device from the latest
 * snapshot, write snapshots as the log grows, and the account's devices and password.
 */

import { base64UrlToBytes, bytesToBase64Url, err, ok, type Result } from "@keypears/base";
import { decodeSnapshotFrames, encodeSnapshotFrames, type KeypearsClient } from "@keypears/api";
import type { ChainHash, Checkpoint, TransportError } from "@keypears/sync-core";
import type { CredentialChange, Vault } from "@keypears/vault/core";
import { describeVaultError } from "@keypears/vault/core";
import { createHttpTransport } from "./http-transport.ts";
import { checkAccountParameters } from "./onboarding.ts";
import { callServer, createServerClient, type ServerEndpoint } from "./server-client.ts";
import { loadSession } from "./session.ts";
import { createSyncEngine, type SyncProgress, type SyncReport } from "./sync-engine.ts";
import { describeSyncError, type SnapshotNotice, type SyncError } from "./sync-error.ts";
import { watchVault, type WatchOptions } from "./watcher.ts";
import { checkpointFromWire, fileBytes, framesFile } from "./wire.ts";
import { readPositionMark, writePositionMark } from "./position-mark.ts";

export interface SyncClientOptions {
  readonly pushBatch?: number;
  readonly pullPage?: number;
  /** Verified pages are applied together, this many events at a time at most (default 50,000). */
  readonly applyBatch?: number;
  /** Write a snapshot once the verified log has grown by this many events since the last one. Default 1000. */
  readonly snapshotEvery?: number;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Replaces the global `fetch` for every call to the server (tests inject network faults here). */
  readonly fetch?: typeof fetch;
}

export interface Device {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly revokedAt: string | null;
  readonly current: boolean;
  /** approved, pending (waits for approval on an existing device), or recovery (16.10). */
  readonly approval: "approved" | "pending" | "recovery";
  readonly approvedBy: string | null;
  readonly signingKey: string | null;
  readonly exchangeKey: string | null;
}

export interface SyncClient {
  /**
   * One sync: push, pull, verify. `announced`: a head the server's stream announced since the
   * last sync began; ahead of this device, it saves the head check (see `SyncStart`).
   */
  readonly syncOnce: (start?: {
    readonly announced?: Checkpoint;
  }) => Promise<Result<SyncReport, SyncError>>;
  /** Syncs live until `signal` aborts; returns the error that stopped it, if one did. */
  readonly watch: (
    options: Omit<WatchOptions, "signal"> & { readonly signal: AbortSignal },
  ) => Promise<SyncError | undefined>;
  readonly devices: () => Promise<Result<readonly Device[], SyncError>>;
  readonly renameDevice: (id: string, name: string) => Promise<Result<Device, SyncError>>;
  readonly revokeDevice: (id: string) => Promise<Result<Device, SyncError>>;
  /** Lets a pending device sync; call after its enrolment is signed into the log and pushed. */
  readonly approveDevice: (id: string) => Promise<Result<Device, SyncError>>;
  /** Sets what the server enforces; sign the same setting into the log first (16.10). */
  readonly setApprovalRequired: (required: boolean) => Promise<Result<void, SyncError>>;
  /** Whether the server says it requires approval (undefined: a server that does not say). */
  readonly serverRequiresApproval: () => Promise<Result<boolean | undefined, SyncError>>;
  /** Changes the master password on the server, then on this device. */
  readonly changePassword: (
    current: string,
    next: string,
  ) => Promise<Result<void, SyncError | { readonly kind: "wrong-credentials" }>>;
  /**
   * After a key rotation this device's log verified, stores the password-wrapped copy of every
   * epoch's key on the server (docs/PROTOCOL.md 16.7), so a device that signs in later reads every
   * epoch; sessions are kept. True when a new copy was sent, false when the server's was current.
   */
  readonly publishEpochKeys: (
    password: string,
  ) => Promise<Result<boolean, SyncError | { readonly kind: "wrong-credentials" }>>;
  /** Tells the server a credential change prepared by `vault.changePassword`; the caller commits it locally after. */
  readonly sendCredentialChange: (change: CredentialChange) => Promise<Result<void, SyncError>>;
  /** The server's head for this vault. */
  readonly head: () => Promise<Result<Checkpoint, SyncError>>;
  readonly logout: () => Promise<Result<void, SyncError>>;
}

const sendCredentialChange = async (
  client: KeypearsClient,
  vault: Vault,
  change: CredentialChange,
): Promise<Result<void, SyncError>> => {
  const updated = await callServer(() =>
    client.accounts.changeCredentials({
      currentAuthSecret: bytesToBase64Url(change.previousAuthSecret),
      authSecret: bytesToBase64Url(change.authSecret),
      kdf: { ...change.kdf },
      salt: bytesToBase64Url(change.salt),
      vaults: [
        { vaultId: vault.vaultId, wrappedVaultKey: bytesToBase64Url(change.wrappedVaultKey) },
      ],
    }),
  );
  return updated.ok ? ok(undefined) : updated;
};

const SNAPSHOT_MARK = "last-snapshot-position";

/**
 * Resolves once the event loop has polled for I/O: a timer turn, then (in Node) an immediate, which
 * runs after the poll phase that follows the timer. One `setImmediate` alone, started from a
 * callback of the poll phase, runs before any new poll and would see no socket closed meanwhile.
 */
const afterPendingIo = async (): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => void }).setImmediate;
  if (immediate !== undefined) await new Promise<void>((resolve) => immediate(resolve));
};

/** What an attempt to store a snapshot came to: stored at a position, or a notice to show. */
interface SnapshotOutcome {
  readonly stored?: number;
  readonly notice?: SnapshotNotice;
}

export const createSyncClient = (
  vault: Vault,
  server: ServerEndpoint,
  options: SyncClientOptions = {},
): SyncClient => {
  const client = createServerClient(server.apiUrl, () => loadSession(vault)?.token, options.fetch);
  const transport = createHttpTransport(client);
  const engine = createSyncEngine(vault, transport, options);
  const snapshotEvery = options.snapshotEvery ?? 1000;

  /** A vault that has never synced starts from the latest snapshot, if there is one. */
  const bootstrap = async (): Promise<Result<void, SyncError>> => {
    if (
      vault.sync.verified().position !== 0 ||
      vault.list().length > 0 ||
      vault.list({ trash: true }).length > 0
    ) {
      return ok(undefined);
    }
    // As a binary body (docs/PROTOCOL.md §10.2a): a snapshot is megabytes, base64url a third more.
    const latest = await callServer(async () =>
      decodeSnapshotFrames(
        await fileBytes(await client.snapshots.latestFrames({ vaultId: vault.vaultId })),
      ),
    );
    if (!latest.ok) return latest.error.code === "NOT_FOUND" ? ok(undefined) : latest;
    if (!latest.value.ok) {
      return err({
        kind: "bad-snapshot",
        detail: `the server's answer is malformed: ${latest.value.error.reason}`,
      });
    }
    const imported = vault.sync.importSnapshot({
      position: latest.value.value.position,
      chainHash: latest.value.value.chainHash as ChainHash,
      payload: latest.value.value.payload,
    });
    if (!imported.ok) {
      // A snapshot is only a shortcut (docs/PROTOCOL.md 16.6): one that does not open or is not
      // signed by a device of its roster is refused, and the device pulls the whole log instead.
      // Only if the server pruned that log too is this an error.
      return err({
        kind: "bad-snapshot",
        detail:
          imported.error.kind === "invalid-snapshot" ? imported.error.reason : imported.error.kind,
      });
    }
    // The server holds a snapshot at this position already: none is written until the log grows.
    writePositionMark(vault, SNAPSHOT_MARK, latest.value.value.position);
    return ok(undefined);
  };

  /**
   * Uploads a snapshot once the verified log has grown by `snapshotEvery` events. A snapshot the
   * server refuses for good (too large, over the quota) is not sent again until the log has grown
   * by as much once more: each try seals and uploads the whole vault. One that was not delivered
   * (unreachable, busy) is tried again at the next sync.
   */
  const maybeWriteSnapshot = async (): Promise<SnapshotOutcome | undefined> => {
    const verified = vault.sync.verified();
    if (verified.position - readPositionMark(vault, SNAPSHOT_MARK) < snapshotEvery) return;
    const snapshot = vault.sync.exportSnapshot();
    if (!snapshot.ok) {
      // Local changes are waiting, or the pull stopped inside a batch's window (the next sync
      // tries again), or this device may not sign one.
      if (
        snapshot.error.kind === "outbox-not-empty" ||
        snapshot.error.kind === "inside-batch" ||
        snapshot.error.kind === "not-enrolled"
      )
        return undefined;
      return {
        notice: {
          kind: "not-stored",
          detail: `it could not be made: ${describeVaultError(snapshot.error)}`,
          retry: true,
        },
      };
    }
    // Sealing a large vault takes seconds (19 s at 100,000 items) with the event loop blocked:
    // let it see the keep-alive sockets the server closed meanwhile before one carries the upload.
    await afterPendingIo();
    // As a binary body (docs/PROTOCOL.md, "Binary bodies"): a third smaller than base64url in JSON.
    const stored = await callServer(() =>
      client.snapshots.putFrames({
        params: { vaultId: vault.vaultId },
        body: framesFile(encodeSnapshotFrames(snapshot.value)),
      }),
    );
    const refused = !stored.ok && stored.error.kind === "rejected";
    if (stored.ok || refused) writePositionMark(vault, SNAPSHOT_MARK, snapshot.value.position);
    return stored.ok
      ? { stored: snapshot.value.position }
      : {
          notice: { kind: "not-stored", detail: describeSyncError(stored.error), retry: !refused },
        };
  };

  const syncOnce = async (
    checkAccount: boolean,
    announced: Checkpoint | undefined,
  ): Promise<Result<SyncReport, SyncError>> => {
    if (loadSession(vault) === undefined) return err({ kind: "unauthorized" });
    let head: Promise<Result<Checkpoint, TransportError>> | undefined;
    if (checkAccount) {
      // The engine's head check before pushing is asked for beside the account check, not after
      // it: one round trip instead of two. Both only read; nothing is written until both passed.
      // (Not when the stream has just announced a head ahead of this device: then there is no
      // head check, see SyncStart.)
      const behind =
        announced === undefined || announced.position <= vault.sync.verified().position;
      if (behind && vault.sync.verified().position > 0) head = transport.head(vault.vaultId);
      const parameters = await checkAccountParameters(vault, client);
      if (!parameters.ok) {
        await head;
        return parameters;
      }
    }
    const booted = await bootstrap();
    if (!booted.ok && booted.error.kind !== "bad-snapshot") return booted;
    const report = await engine.syncOnce({
      ...(announced === undefined ? {} : { announced }),
      ...(head === undefined ? {} : { head }),
    });
    if (!booted.ok && !report.ok && report.error.kind === "pruned") return booted;
    if (!report.ok) return report;
    // A device that had to replay the log can still write a good snapshot for the next one.
    const written = await maybeWriteSnapshot();
    const notice: SnapshotNotice | undefined =
      booted.ok || booted.error.kind !== "bad-snapshot"
        ? written?.notice
        : { kind: "not-used", detail: booted.error.detail };
    return ok({
      ...report.value,
      ...(notice === undefined ? {} : { snapshot: notice }),
      ...(written?.stored === undefined ? {} : { snapshotStored: written.stored }),
    });
  };

  /**
   * Whether the account's key parameters were compared with the server's since this client last
   * failed a sync: they are on its first sync, after any failed one and when a live stream
   * (re)connects, not before every sync (it is a round trip before every push). A password changed
   * on another device ends this device's session, so the sync after it fails (`unauthorized`) and
   * the one after that checks again.
   */
  let accountChecked = false;
  const checkedSync = async (
    announced: Checkpoint | undefined,
  ): Promise<Result<SyncReport, SyncError>> => {
    const result = await syncOnce(!accountChecked, announced);
    accountChecked = result.ok;
    return result;
  };

  return {
    syncOnce: (start = {}) => checkedSync(start.announced),
    watch: (watchOptions) =>
      watchVault(vault, transport, checkedSync, {
        ...watchOptions,
        onConnection: (state) => {
          accountChecked = false;
          watchOptions.onConnection?.(state);
        },
      }),
    devices: async () => {
      const listed = await callServer(() => client.devices.list());
      return listed.ok ? ok(listed.value.devices) : listed;
    },
    renameDevice: (id, name) => callServer(() => client.devices.rename({ deviceId: id, name })),
    revokeDevice: (id) => callServer(() => client.devices.revoke({ deviceId: id })),
    approveDevice: (id) => callServer(() => client.devices.approve({ deviceId: id })),
    setApprovalRequired: async (required) => {
      const set = await callServer(() => client.accounts.setApproval({ required }));
      return set.ok ? ok(undefined) : set;
    },
    serverRequiresApproval: async () => {
      const account = await callServer(() => client.accounts.get());
      return account.ok ? ok(account.value.requireApproval) : account;
    },
    changePassword: async (current, next) => {
      const change = await vault.changePassword(current, next);
      if (!change.ok) {
        return change.error.kind === "wrong-credentials"
          ? err({ kind: "wrong-credentials" })
          : err({ kind: "local", detail: describeVaultError(change.error) });
      }
      const sent = await sendCredentialChange(client, vault, change.value);
      if (!sent.ok) return sent;
      change.value.commit();
      return ok(undefined);
    },
    publishEpochKeys: async (password) => {
      if (vault.sync.keyEpochs().sealing === 0) return ok(false);
      // The server's copy, not this device's: another device may have re-wrapped it already.
      const remote = await callServer(() => client.accounts.get());
      if (!remote.ok) return remote;
      const listed = remote.value.vaults.find((v) => v.vaultId === vault.vaultId);
      if (listed === undefined || remote.value.salt !== bytesToBase64Url(vault.sync.account().salt))
        return err({
          kind: "key-material",
          detail:
            "the server's salt differs from this device's, or it no longer lists this vault (if you changed your password on another device, sign in again here)",
        });
      const prepared = await vault.sync.wrapEpochKeys(
        password,
        base64UrlToBytes(listed.wrappedVaultKey),
      );
      if (!prepared.ok) {
        return prepared.error.kind === "wrong-credentials"
          ? err({ kind: "wrong-credentials" })
          : err({ kind: "local", detail: describeVaultError(prepared.error) });
      }
      if (prepared.value === undefined) return ok(false);
      const { previous, wrapped, commit } = prepared.value;
      const sent = await callServer(() =>
        client.vaults.replaceWrappedKey({
          vaultId: vault.vaultId,
          previous: bytesToBase64Url(previous),
          wrappedVaultKey: bytesToBase64Url(wrapped),
        }),
      );
      if (!sent.ok) return sent;
      commit();
      return ok(true);
    },
    sendCredentialChange: (change) => sendCredentialChange(client, vault, change),
    head: async () => {
      const head = await callServer(() => client.vaults.head({ vaultId: vault.vaultId }));
      return head.ok ? ok(checkpointFromWire(head.value)) : head;
    },
    logout: async () => {
      const result = await callServer(() => client.accounts.logout());
      return result.ok ? ok(undefined) : result;
    },
  };
};
