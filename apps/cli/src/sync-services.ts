/**
 * The seam between the CLI and the sync client: everything that talks to a server goes through
 * `SyncServices`. The CLI does the prompting, the local vault work and the output; an
 * implementation does the network. Until the sync client is wired in, `loadSyncServices` returns
 * one that fails every call with a clear message, so local-only accounts work fully and synced
 * ones say why they cannot.
 */

import { err, type Result } from "@keypears/base";
import type { SecretKey } from "@keypears/crypto";
import type { Checkpoint } from "@keypears/sync-core";
import type { Address, CredentialChange, NewAccount, Vault } from "@keypears/vault";

export interface SyncFailure {
  /**
   * `unreachable`: the server could not be reached (local work is unaffected);
   * `rejected`: the server refused (e.g. the address is taken);
   * `session-ended`: the server ended this device's session (a password changed on another
   *   device, an expired session, a revoked device);
   * `wrong-credentials`: password or Secret Key do not open the account;
   * `verification-failed`: what the server served does not verify (fork, tampering);
   * `not-available`: this build has no sync client.
   */
  readonly kind:
    | "not-available"
    | "unreachable"
    | "rejected"
    | "session-ended"
    | "wrong-credentials"
    | "verification-failed"
    | "failed";
  /** One line for a person: what went wrong and what to do. Never contains a secret. */
  readonly message: string;
}

/** Long work reports here; the CLI draws it on a terminal and drops it with --json or a pipe. */
export interface SyncProgress {
  readonly phase: "push" | "pull" | "verify";
  readonly done: number;
  /** Unknown while the server has not said how much there is. */
  readonly total: number | null;
}
export type ProgressSink = (progress: SyncProgress) => void;

export interface SyncReport {
  /** Local events the server accepted in this round. */
  readonly pushed: number;
  /** Events received from the server and applied. */
  readonly pulled: number;
  /** Local changes the server refused for good in this round, set aside as rejected. */
  readonly rejected?: number;
  /** The server log position and chain hash this device has verified up to. */
  readonly verified: Checkpoint;
  /** The snapshot shortcut did not work (not stored, or not usable here): one line for a person. */
  readonly snapshotNotice?: string;
}

export interface ServerStatus {
  /** The server's log length for this vault: `headPosition - verified.position` events are not here yet. */
  readonly headPosition: number;
}

export interface DeviceInfo {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: number;
  readonly lastSeenAt: number | null;
  readonly revoked: boolean;
  /** approved, pending (waits for approval on an existing device), or recovery (16.10). */
  readonly approval: "approved" | "pending" | "recovery";
  readonly approvedBy: string | null;
  /** The public keys the device registered with the server, if it did. */
  readonly keys: { readonly signingKey: Uint8Array; readonly exchangeKey: Uint8Array } | null;
}

export interface RegisterInput {
  readonly account: NewAccount;
  readonly serverUrl: string;
  readonly deviceName: string;
}

export interface LoginInput {
  readonly home: string;
  readonly address: Address;
  readonly serverUrl: string;
  readonly password: string;
  readonly secretKey: SecretKey;
  readonly deviceName: string;
  readonly progress: ProgressSink;
}

export interface FollowPasswordInput {
  readonly home: string;
  /** The open vault; it is locked before its file is re-protected. */
  readonly vault: Vault;
  /** The password the vault was unlocked with: it opens the Secret Key this device holds. */
  readonly currentPassword: string;
  readonly newPassword: string;
}

export interface WatchInput {
  readonly progress: ProgressSink;
  /** After each round that moved something (and after the first catch-up). */
  readonly onSync: (report: SyncReport) => void;
  /** Aborted on Ctrl-C: `watch` then resolves `ok`. */
  readonly signal: AbortSignal;
}

export interface SyncServices {
  /** The server URL for a synced address: `override` (from --server) checked, else the domain's `/.well-known/keypears.json`. */
  readonly discoverServer: (
    address: Address,
    override: string | undefined,
  ) => Promise<Result<string, SyncFailure>>;
  /** Creates the account on its server from a new local account (`account.registration`), naming this first device. */
  readonly register: (input: RegisterInput) => Promise<Result<void, SyncFailure>>;
  /**
   * Makes the account's sharing identity if the vault has none, publishes its key log on the
   * server and syncs it to the account's devices (docs/PROTOCOL.md 17.1): at `init`, so the
   * address can receive shares from the start. The safety number, or why it failed (the identity
   * is then made by the first sharing command). Absent where sharing is not served.
   */
  readonly setUpIdentity?: (vault: Vault) => Promise<Result<string, string>>;
  /**
   * Adds an existing account to this device: fetches its public parameters and wrapped vault key,
   * registers this device, and writes the local vault (`joinAccount`). The caller syncs after.
   */
  readonly login: (input: LoginInput) => Promise<Result<Vault, SyncFailure>>;
  /** One round: push the outbox, pull and verify everything new, record the sync time. */
  readonly sync: (
    vault: Vault,
    options: { readonly progress: ProgressSink },
  ) => Promise<Result<SyncReport, SyncFailure>>;
  /** Syncs, then stays live (pushing local changes, applying others' as they arrive) until aborted. */
  readonly watch: (vault: Vault, input: WatchInput) => Promise<Result<void, SyncFailure>>;
  /** The server's side of `status`; the CLI shows the local side even when this fails. */
  readonly status: (vault: Vault) => Promise<Result<ServerStatus, SyncFailure>>;
  readonly devices: (vault: Vault) => Promise<Result<readonly DeviceInfo[], SyncFailure>>;
  readonly renameDevice: (
    vault: Vault,
    deviceId: string,
    name: string,
  ) => Promise<Result<DeviceInfo, SyncFailure>>;
  /** The revoked device can no longer read or write through the server. */
  readonly revokeDevice: (
    vault: Vault,
    deviceId: string,
  ) => Promise<Result<DeviceInfo, SyncFailure>>;
  /** Lets a pending device sync (after its enrolment is signed into the log and pushed). */
  readonly approveDevice: (
    vault: Vault,
    deviceId: string,
  ) => Promise<Result<DeviceInfo, SyncFailure>>;
  /** What the server enforces; the setting is signed into the log first. */
  readonly setApprovalRequired: (
    vault: Vault,
    required: boolean,
  ) => Promise<Result<void, SyncFailure>>;
  /** Whether the server requires approval (undefined when it does not say). */
  readonly serverRequiresApproval: (
    vault: Vault,
  ) => Promise<Result<boolean | undefined, SyncFailure>>;
  /**
   * Whether the server's KDF parameters or salt differ from this device's, asked without a
   * session: after the session ended, true means the password was changed on another device.
   */
  readonly credentialsChanged: (vault: Vault) => Promise<Result<boolean, SyncFailure>>;
  /**
   * Signs this device in again with a password changed on another device and the Secret Key it
   * holds, and re-protects its file under that password; gives the vault open again.
   */
  readonly followPasswordChange: (
    input: FollowPasswordInput,
  ) => Promise<Result<Vault, SyncFailure>>;
  /**
   * After a key rotation this device verified, sends the server the password-wrapped copy of every
   * epoch's key (docs/PROTOCOL.md 16.7). True when a new copy was sent, false when it was current.
   */
  readonly publishEpochKeys: (
    vault: Vault,
    password: string,
  ) => Promise<Result<boolean, SyncFailure>>;
  /**
   * Tells the server the new credentials (it authenticates with `change.previousAuthSecret`). The
   * CLI commits the change locally only after this succeeds.
   */
  readonly changePasswordOnServer: (
    vault: Vault,
    change: CredentialChange,
  ) => Promise<Result<void, SyncFailure>>;
}

const notAvailable = async (): Promise<Result<never, SyncFailure>> =>
  err({
    kind: "not-available",
    message:
      "syncing with a server is not available in this build yet; local-only accounts (name@localhost) work fully",
  });

export const unavailableSyncServices: SyncServices = {
  discoverServer: notAvailable,
  register: notAvailable,
  login: notAvailable,
  sync: notAvailable,
  watch: notAvailable,
  status: notAvailable,
  devices: notAvailable,
  renameDevice: notAvailable,
  revokeDevice: notAvailable,
  approveDevice: notAvailable,
  setApprovalRequired: notAvailable,
  serverRequiresApproval: notAvailable,
  changePasswordOnServer: notAvailable,
  credentialsChanged: notAvailable,
  followPasswordChange: notAvailable,
  publishEpochKeys: notAvailable,
};

/** The services `keypears` uses: the sync client over HTTP, loaded only when a command needs it. */
export const loadSyncServices = async (): Promise<SyncServices> =>
  (await import("./http-sync-services.ts")).httpSyncServices;
