/**
 * The side of an unlocked vault that the sync client drives: the outbox of local events waiting
 * for the server's order, applying pages of server-ordered events (already verified against the
 * chain) in one transaction, snapshots, the account parameters to compare with a server's, and
 * a sealed store for small secrets such as the session token.
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import {
  associatedData,
  type AuthSecret,
  bytesToBase32,
  type KdfParams,
  open,
  seal,
  type VaultKey,
  type VaultKeys,
  wipe,
  wrapEpochKeys as wrapEpochKeysUnder,
  wrappedEpochCount,
} from "@keypears/crypto";
import {
  activeAt,
  applyToItem,
  type ChainHash,
  type Checkpoint,
  compareHlc,
  createItemState,
  type EventId,
  fingerprintHash,
  fingerprintPosition,
  type EventStore,
  GENESIS,
  GENESIS_HASH,
  type Hlc,
  type ItemId,
  type ItemState,
  type RekeyScope,
  type RosterEntry,
  type DeviceId,
  type DeviceRosterOp,
  type Event,
  type EventEnvelope,
  type RosterOp,
  type StoredEvent,
  type VaultId,
} from "@keypears/sync-core";
import type { Address } from "./address.ts";
import { unlockKeys } from "./credentials.ts";
import { writeAccountRecord } from "./account-record.ts";
import { epochKeyList } from "./key-epochs.ts";
import type { VaultError } from "./errors.ts";
import type { EventToCommit } from "./item-store.ts";
import { type OpenError, openEvent } from "./sealing.ts";
import type { RejectedChange, RejectedChanges } from "./rejected-changes.ts";
import {
  openSnapshot,
  sealSignedSnapshot,
  sealSnapshot,
  type SnapshotApproval,
  type SnapshotError,
} from "./snapshot.ts";
import { createEventLog } from "./event-log.ts";
import { createOutboxBatches, type OutboxEntry } from "./outbox-batches.ts";
import type { ApprovalSetting, DeviceTrust, QuarantinedEvent } from "./device-trust.ts";
import { createPulledEventReader } from "./pulled-events.ts";
import { createSqliteEventStore } from "./sqlite-event-store.ts";
import { type BatchSignatures, signatureJobsOf, startBatchSignatures } from "./batch-signatures.ts";
import { decodeCheckpoint, encodeCheckpoint, type VaultContext } from "./vault-context.ts";

/** An outbox entry to push (`outbox-batches.ts`). */
export type PendingEvent = OutboxEntry;

export type ApplyError =
  | OpenError
  /** The server served an event under the id of one of ours with other bytes. */
  | { readonly kind: "id-conflict"; readonly id: EventId }
  /** The server served one of our events at a position other than the one it gave us. */
  | {
      readonly kind: "moved";
      readonly id: EventId;
      readonly position: number;
      readonly promised: number;
    }
  /**
   * An event's author had verified a different history at `position` than this device did:
   * the server showed the two devices different histories.
   */
  | { readonly kind: "fork"; readonly id: EventId; readonly position: number };

/**
 * Deferred items (`ApplyOptions.defer`) kept in memory at most: past it, an apply writes them all.
 * A decoded merge state is a few KiB: this bounds a pull's memory to a few hundred MiB.
 */
export const MAX_DEFERRED_ITEMS = 100_000;

export interface ApplyOptions {
  /**
   * More batches of this pull follow: the touched items' states and views are written once, by
   * the last batch (or `flushApplied`), not by every batch that holds one of their events. The
   * events and the checkpoint commit with each batch as before. Until then, listing shows the
   * deferred items as before this pull; reading an item's state or history includes them.
   */
  readonly defer?: boolean;
}

export interface ApplyResult {
  readonly applied: number;
  readonly clockDrift: readonly Hlc[];
  readonly quarantined: readonly QuarantinedEvent[];
  /** Devices whose enrolment this page applied, to show ("new device ... signed in"). */
  readonly enrolled: readonly RosterEntry[];
}

export interface SyncStatus {
  /** Saved locally, not yet sent. */
  readonly pending: number;
  /** Sent, no position yet. */
  readonly sent: number;
  /** Given a position by the server, not yet pulled back and verified. */
  readonly ordered: number;
  /** Refused by the server for good; set aside until edited or dropped (see `rejected`). */
  readonly rejected: number;
  /** This device's events that are in the verified chain. */
  readonly verifiedEvents: number;
  readonly verified: Checkpoint;
  readonly lastSyncAt: number | null;
}

/** What this device knows of its account's key material: to compare with what a server says. */
export interface AccountParameters {
  readonly address: Address;
  readonly vaultId: VaultId;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly wrappedVaultKey: Uint8Array;
  readonly serverUrl: string | null;
}

export interface VaultSnapshot {
  readonly position: number;
  readonly chainHash: ChainHash;
  readonly payload: Uint8Array;
}

/** A new password-wrapped copy of the epoch keys, to send to the server and then commit here. */
export interface WrappedEpochKeys {
  /** The account's copy it replaces, as the server should still hold it. */
  readonly previous: Uint8Array;
  readonly wrapped: Uint8Array;
  /** How many epochs it holds (the newest is one less). */
  readonly epochs: number;
  readonly commit: () => void;
}

export interface VaultSync {
  readonly localOnly: boolean;
  readonly account: () => AccountParameters;
  /**
   * The next push request: outbox entries to push (neither ordered nor rejected), oldest first,
   * each checked to open under this vault's key before it leaves, with the batch event that signs
   * a run of item events just ahead of them (written here the first time; docs/PROTOCOL.md 18.4).
   * With `after`, the entries queued after that one: the next request, read while the one before
   * it is still being pushed. May hold fewer than `limit` while more wait: read until empty.
   */
  readonly pending: (limit: number, after?: EventId) => Result<readonly PendingEvent[], OpenError>;
  /**
   * Covers these waiting item events with a new batch event, for a request split in two: the
   * batch, then them. Every entry a request sends must follow its batch in that request.
   */
  readonly rebatch: (ids: readonly EventId[]) => readonly PendingEvent[];
  readonly markSent: (ids: readonly EventId[]) => void;
  /**
   * Sets a change the server refused for good (too large, invalid) aside, with the reason, so the
   * rest of the outbox syncs. Transient failures (network, 5xx, 429) must not come here.
   */
  readonly markRejected: (id: EventId, reason: string) => void;
  /** The changes set aside as rejected, oldest first, with their items' titles. */
  readonly rejected: () => readonly RejectedChange[];
  /**
   * Gives up a rejected change (by event id or unique prefix): it leaves the outbox and the
   * item's current state, and stays in this device's history. Editing the item instead settles it
   * by itself.
   */
  readonly dropRejected: (ref: string) => Result<RejectedChange, VaultError>;
  /** Our events the server accepted at a position we have not yet pulled back and verified. */
  readonly promised: () => readonly { readonly id: EventId; readonly position: number }[];
  /** Records the positions the server gave our events when it accepted them. */
  readonly markOrdered: (
    events: readonly { readonly id: EventId; readonly position: number }[],
  ) => void;
  /**
   * Applies server-ordered events that follow the verified checkpoint, and moves the checkpoint
   * to `verified`. An event that fails its own checks (signature, signer, key, format) is
   * quarantined, not applied, and listed in `quarantined`; the rest goes on.
   */
  readonly applyOrdered: (
    events: readonly StoredEvent[],
    verified: Checkpoint,
    options?: ApplyOptions,
  ) => Result<ApplyResult, ApplyError>;
  /**
   * Writes the items earlier applies deferred (`ApplyOptions.defer`); returns how many. A pull
   * that ends early (an error, a lie) calls it; so does unlocking, after a crash.
   */
  readonly flushApplied: () => Result<number, OpenError>;
  /**
   * Verifies the signatures of pulled events before `applyOrdered` applies them, where the
   * platform verifies asynchronously (a browser's WebCrypto: `BackgroundVerifier.ahead`); the
   * apply then takes those answers. Resolves at once elsewhere; never rejects. Only a speed-up:
   * whatever was not verified ahead is verified in the apply.
   */
  readonly verifyAhead: (events: readonly StoredEvent[]) => Promise<void>;
  /**
   * Queues a roster event signed by this device (rename or revoke a device; enrol one it
   * approved): it takes effect where the server places it, on every device alike. A revoke is
   * followed by a rekey that starts a new key epoch for the devices that remain (16.7).
   */
  readonly writeRosterEvent: (
    op: DeviceRosterOp,
  ) => Result<
    EventId,
    { readonly kind: "not-enrolled" } | { readonly kind: "roster-rule"; readonly detail: string }
  >;
  /**
   * The vault fingerprint (docs/PROTOCOL.md 16.10) at the last multiple of 1,000 this device
   * verified, for users to compare between devices; `undefined` when this device does not hold
   * the chain hash there (it started from a snapshot after it).
   */
  readonly fingerprint: () => { readonly position: number; readonly code: string } | undefined;
  /** Events set aside instead of applied (docs/PROTOCOL.md 16.5), by position. */
  readonly quarantined: () => readonly QuarantinedEvent[];
  /**
   * Queues a rekey that starts a new key epoch (docs/PROTOCOL.md 16.7). `devices`: for every
   * device this device sees active (a revocation writes one at once). `credentials`, after new
   * credentials (`passwd --new-secret-key`): for this device alone; the others read the epoch
   * once they sign in with the new password and Secret Key. A credential rekey that loses a race
   * is written again before the next push, until one of this device's is verified.
   */
  readonly rotateKey: (scope?: RekeyScope) => Result<EventId, { readonly kind: "not-enrolled" }>;
  /**
   * Keeps the vault keys of epochs 1 and later from the password-wrapped copy (`keys[e]` is epoch
   * e's; epoch 0 is the file's own): each starts once this device verifies its rekey event, or
   * starts from a snapshot (docs/PROTOCOL.md 16.7). Keys this device already holds are kept.
   */
  readonly learnEpochKeys: (keys: readonly VaultKey[]) => void;
  /**
   * The password-wrapped copy of every epoch's key up to the one this device seals under
   * (docs/PROTOCOL.md 16.7), when the account's copy holds fewer epochs: send it to the server
   * (with `previous`, the copy it replaces), then `commit` it here. `undefined` when the copy is
   * current (read from its length, without the password's key derivation), or this device lacks
   * the key of an epoch (it then has nothing complete to publish).
   */
  readonly wrapEpochKeys: (
    password: string,
    /** The server's copy, when this device read it (same salt): replaced instead of its own. */
    current?: Uint8Array,
  ) => Promise<Result<WrappedEpochKeys | undefined, VaultError>>;
  /** The key epoch this device seals under, and every epoch whose key it holds. */
  readonly keyEpochs: () => { readonly sealing: number; readonly known: readonly number[] };
  /** The device roster as this device verified it in the log (and its own pending enrolment). */
  readonly roster: () => readonly RosterEntry[];
  /**
   * The account's approval setting as the log last set it (docs/PROTOCOL.md 16.10): `undefined`
   * if it never did, `unknown` if this device started from a snapshot that did not carry it
   * (format 2, 16.6) and the log has not set it since.
   */
  readonly approvalSetting: () => ApprovalSetting | "unknown" | undefined;
  /**
   * Marks this device as waiting for approval (its server said so at sign-in): it does not
   * enrol itself, since an existing device writes its enrolment; cleared by `false`.
   */
  readonly setAwaitingApproval: (waiting: boolean) => void;
  readonly awaitingApproval: () => boolean;
  /** The public halves of this device's keys, for its server and its approval code. */
  readonly publicKeys: () => { readonly signingKey: Uint8Array; readonly exchangeKey: Uint8Array };
  /** The name this device enrols under (set at sign-in). */
  readonly setDeviceName: (name: string) => void;
  readonly verified: () => Checkpoint;
  /**
   * Seals `events` (of this vault, written by this device) as protocol version 3 writes them
   * (docs/PROTOCOL.md 18.1), under this device's keys and its verified checkpoint: a signed batch
   * event, to go first, then each event unsigned, outside the outbox: how tests make version-3
   * events they can forge, drop or move (the writer seals at the edit and signs in `pending`).
   */
  readonly sealBatchSigned: (events: readonly Event[]) => {
    readonly batch: EventEnvelope;
    readonly items: readonly EventEnvelope[];
  };
  /**
   * A batch event signed by this device naming the events of `hashes` (their event hashes), with
   * its verified checkpoint (docs/PROTOCOL.md 18.1), outside the outbox: for tests (the writer
   * signs its batches in `pending`).
   */
  readonly signBatch: (hashes: readonly Uint8Array[]) => EventEnvelope;
  readonly status: () => SyncStatus;
  readonly recordSyncTime: () => void;
  /**
   * The vault's state as of its verified checkpoint; refused while local changes wait in the
   * outbox, and inside a batch's window (docs/PROTOCOL.md 18.3: a device starting from the
   * snapshot would miss the batch that the events after it need). Both pass with a later sync.
   */
  readonly exportSnapshot: () => Result<
    VaultSnapshot,
    | OpenError
    | { readonly kind: "outbox-not-empty" }
    | { readonly kind: "inside-batch" }
    | { readonly kind: "not-enrolled" }
  >;
  /** Starts an empty vault from a snapshot; the events after it come by pulling. */
  readonly importSnapshot: (
    snapshot: VaultSnapshot,
  ) => Result<{ readonly items: number }, SnapshotError | { readonly kind: "not-empty" }>;
  /** The secret this account proves to its server, re-derived from the password (to sign in again). */
  readonly authSecret: (password: string) => Promise<Result<AuthSecret, VaultError>>;
  /** Small secrets kept sealed in the vault file (the session token). */
  readonly readSecret: (name: string) => Uint8Array | undefined;
  readonly writeSecret: (name: string, value: Uint8Array) => void;
  readonly deleteSecret: (name: string) => void;
  /** The server-ordered log of this file, as the `EventStore` port. */
  readonly eventStore: EventStore;
  /**
   * Calls `listener` after a local change commits: at once for changes made through this vault
   * object, and for changes another process commits (`keypears edit` beside `keypears sync
   * --watch`) when the file system reports a write to the vault file, or at the latest at the next
   * check every `fileCheckMs` (for file systems that report nothing). SQLite's `data_version`
   * confirms that another connection committed.
   */
  readonly onLocalChange: (listener: () => void, fileCheckMs?: number) => () => void;
}

export const createVaultSync = (
  ctx: VaultContext,
  rejected: RejectedChanges,
  trust: DeviceTrust,
): VaultSync => {
  const { db } = ctx;
  const vaultId = ctx.account.vaultId;
  /** Signing keys named by pulled enrolments, for `verifyAhead` only (never trusted). */
  const announcedKeys = new Map<DeviceId, Uint8Array>();
  const batches = createOutboxBatches({
    db,
    vaultId,
    sign: (hashes, checkpoint) => trust.signBatch(hashes, checkpoint),
    checkpoint: () => ctx.verifiedCheckpoint(),
    now: ctx.deps.now,
  });
  // Puts every change not yet sent behind this device's enrolment (a device's signed events
  // must follow its enrolment in the chain); changes already sent keep their place before it.
  const requeueBehind = db.prepare(
    `UPDATE outbox SET seq = seq + (SELECT max(seq) FROM outbox)
     WHERE vault_id = ? AND state = 'pending' AND event_id <> ?`,
  );
  const selectLegacyPending = db.prepare(
    `SELECT o.event_id AS id, e.payload FROM outbox o
     JOIN events e ON e.vault_id = o.vault_id AND e.id = o.event_id
     WHERE o.vault_id = ? AND o.state = 'pending' AND substr(e.payload, 1, 1) = x'01'`,
  );
  const updatePayload = db.prepare("UPDATE events SET payload = ? WHERE vault_id = ? AND id = ?");
  const insertItemlessEvent = db.prepare(
    "INSERT INTO events (vault_id, id, item_id, payload, position, chain_hash, origin, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
  );
  const insertOutbox = db.prepare(
    "INSERT INTO outbox (vault_id, event_id, state) VALUES (?, ?, 'pending')",
  );
  const markSent = db.prepare(
    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_attempt_at = ? WHERE vault_id = ? AND event_id = ? AND state = 'pending'",
  );
  const markOrdered = db.prepare(
    "UPDATE outbox SET state = 'ordered', position = ? WHERE vault_id = ? AND event_id = ?",
  );
  const selectPromisedAll = db.prepare(
    "SELECT event_id AS id, position FROM outbox WHERE vault_id = ? AND state = 'ordered' ORDER BY seq",
  );
  const log = createEventLog(db);
  // A deferred item the store holds no state of is rebuilt from its row and its pulled events.
  ctx.store.readPulledEventsWith(
    createPulledEventReader(
      db,
      vaultId,
      trust.epochs.keysOf,
      (signer) => trust.entry(signer)?.signingKey,
    ),
  );
  const selectPromised = db.prepare(
    "SELECT position FROM outbox WHERE vault_id = ? AND event_id = ?",
  );
  // Changes, not the batch events that sign them (docs/PROTOCOL.md 18.4).
  const countOutbox = db.prepare(
    `SELECT state, count(*) AS n FROM outbox
     WHERE vault_id = ? AND (batch_id IS NULL OR batch_id <> event_id) GROUP BY state`,
  );
  const countVerified = db.prepare(
    "SELECT count(*) AS n FROM events WHERE vault_id = ? AND origin = 'local' AND position IS NOT NULL AND item_id IS NOT NULL",
  );
  const countRows = db.prepare(
    "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM events WHERE item_id IS NOT NULL) AS n",
  );
  const deleteState = db.prepare("DELETE FROM state WHERE key = ?");
  const quarantinedHashAt = db.prepare("SELECT chain_hash FROM quarantine WHERE position = ?");

  const verified = (): Checkpoint => ctx.verifiedCheckpoint() ?? GENESIS;
  const base = (): Checkpoint | undefined => {
    const value = ctx.readState("snapshot-base");
    return value === undefined ? undefined : decodeCheckpoint(value);
  };

  /**
   * The approval setting, or `unknown`: this device started from a snapshot without it (format
   * 2; or imported by code older than format 3, which left no `snapshot-approval` mark) and no
   * approval-setting event has been applied since.
   */
  const approvalSetting = (): ApprovalSetting | "unknown" | undefined => {
    const setting = trust.approvalSetting();
    if (setting !== undefined || base() === undefined) return setting;
    return ctx.readState("snapshot-approval")?.[0] === 1 ? undefined : "unknown";
  };

  /** Does an author's embedded checkpoint agree with this device's chain? Positions it never held cannot be checked. */
  const agreesWithOwnChain = (
    checkpoint: Checkpoint,
    pageHashes: ReadonlyMap<number, Uint8Array>,
    snapshotBase: Checkpoint | undefined,
  ): boolean => {
    if (checkpoint.position === 0) return bytesEqual(checkpoint.hash, GENESIS_HASH);
    const mine =
      pageHashes.get(checkpoint.position) ??
      (snapshotBase?.position === checkpoint.position ? snapshotBase.hash : undefined) ??
      log.hashAt(vaultId, checkpoint.position);
    return mine === undefined || bytesEqual(mine, checkpoint.hash);
  };

  const secretAd = (name: string) => associatedData("state-secret", vaultId, name);
  const textDecoder = new TextDecoder();
  const enrolEventId = (): EventId | undefined => {
    const value = ctx.readState("enrol-event");
    return value === undefined ? undefined : (textDecoder.decode(value) as EventId);
  };

  /**
   * Queues this device's enrolment (docs/PROTOCOL.md 16.4) before its first push, once; and
   * re-seals, signed, the version-1 events it saved but never sent (a vault file made by
   * version-1 code), so they follow the enrolment as signed events.
   */
  const awaitingApproval = (): boolean => ctx.readState("awaiting-approval")?.[0] === 1;
  const ensureEnrolled = (): void => {
    if (ctx.localOnly || enrolEventId() !== undefined) return;
    if (trust.entry(ctx.account.deviceId) !== undefined) return;
    // An existing device writes this one's enrolment when it approves it (16.10).
    if (awaitingApproval()) return;
    db.transaction(() => {
      const keys = trust.keys();
      const id = ctx.ids.eventId();
      const at = ctx.deps.now();
      const op = {
        kind: "enrol" as const,
        deviceId: ctx.account.deviceId,
        name: trust.deviceName(),
        signingKey: keys.signingKey,
        exchangeKey: keys.exchangeKey,
        at,
      };
      insertItemlessEvent.run(vaultId, id, trust.sealRosterEvent(id, op), null, null, "local", at);
      insertOutbox.run(vaultId, id);
      requeueBehind.run(vaultId, id);
      trust.writeEntry({
        deviceId: op.deviceId,
        name: op.name,
        signingKey: op.signingKey,
        exchangeKey: op.exchangeKey,
        enrolledAt: null,
        enrolledAtMs: at,
        via: "self",
        approvedBy: null,
        revokedAt: null,
      });
      ctx.writeState("enrol-event", new TextEncoder().encode(id));
      for (const row of selectLegacyPending.all(vaultId) as {
        id: EventId;
        payload: Uint8Array;
      }[]) {
        const event = openEvent(ctx.keys, vaultId, row);
        if (event.ok) updatePayload.run(trust.sealItemEvent(event.value), vaultId, row.id);
      }
    });
  };

  const queueRosterEvent = (id: EventId, op: RosterOp): void => {
    insertItemlessEvent.run(
      vaultId,
      id,
      trust.sealRosterEvent(id, op),
      null,
      null,
      "local",
      ctx.deps.now(),
    );
    insertOutbox.run(vaultId, id);
  };

  /**
   * A rekey for every device this device sees active, but `revoking`; or, with `credentials`,
   * for this device alone (docs/PROTOCOL.md 16.7).
   */
  const queueRekey = (scope: RekeyScope, revoking?: DeviceId): EventId => {
    const recipients = trust
      .roster()
      .filter(
        (e) =>
          e.revokedAt === null &&
          e.deviceId !== revoking &&
          (scope === "devices"
            ? e.enrolledAt !== null || e.deviceId === ctx.account.deviceId
            : e.deviceId === ctx.account.deviceId),
      );
    const id = ctx.ids.eventId();
    queueRosterEvent(id, trust.makeRekey(recipients, scope));
    ctx.writeState("rekey-event", new TextEncoder().encode(id));
    if (scope === "credentials") ctx.writeState("credential-rekey", Uint8Array.of(1));
    return id;
  };

  /** Whether this device's last rekey is still waiting for its position or for verification. */
  const rekeyInFlight = (): boolean => {
    const inFlight = ctx.readState("rekey-event");
    if (inFlight === undefined) return false;
    const row = selectPromised.get(vaultId, textDecoder.decode(inFlight)) as
      { position: number | null } | undefined;
    return row !== undefined && (row.position === null || row.position > verified().position);
  };

  /**
   * Every active device sees to it that the key epoch in force started after the latest
   * revocation: the revoking device's own rekey may have lost a race with another rekey or
   * enrolment (and been set aside), or never been written (a revoke by an older device). Only
   * one rekey of this device's is in flight at a time.
   */
  const ensureRotated = (): void => {
    if (ctx.localOnly) return;
    const me = trust.entry(ctx.account.deviceId);
    if (me === undefined || me.enrolledAt === null || me.revokedAt !== null) return;
    // A credential rekey of this device's was set aside (it lost a race): write it again, for
    // this device alone as before, until one is verified (`applyVerified` clears the mark).
    if (ctx.readState("credential-rekey")?.[0] === 1) {
      if (!rekeyInFlight()) db.transaction(() => queueRekey("credentials"));
      return;
    }
    const lastRevocation = Math.max(
      0,
      ...trust
        .roster()
        .map((e) => e.revokedAt)
        .filter((p): p is number => p !== null),
    );
    if (lastRevocation === 0 || lastRevocation < trust.epochs.sealingSince()) return;
    // Not yet ordered, or ordered past what this device verified: wait for it.
    if (rekeyInFlight()) return;
    db.transaction(() => queueRekey("devices"));
  };

  const applyVerified = (
    events: readonly StoredEvent[],
    nextVerified: Checkpoint,
    signatures: BatchSignatures,
    defer: boolean,
  ): Result<ApplyResult, ApplyError> =>
    ctx.store.transaction((): Result<ApplyResult, ApplyError> => {
      trust.startApply();
      const states = new Map<ItemId, ItemState>();
      const toCommit: EventToCommit[] = [];
      const pageHashes = new Map<number, Uint8Array>();
      // Read once per batch: applying a batch never moves the snapshot base.
      const snapshotBase = base();
      const clockDrift: Hlc[] = [];
      const quarantined: QuarantinedEvent[] = [];
      const enrolled: RosterEntry[] = [];
      const setAside = (
        stored: StoredEvent,
        reason: QuarantinedEvent["reason"],
        detail: string,
      ) => {
        trust.quarantine(stored, stored.position, stored.chainHash, { reason, detail });
        quarantined.push({
          position: stored.position,
          id: stored.id,
          reason,
          detail,
          at: ctx.deps.now(),
        });
      };
      /** Keeps a remote event that belongs to no item (a roster or batch event) in the log. */
      const keepItemless = (stored: StoredEvent) =>
        insertItemlessEvent.run(
          vaultId,
          stored.id,
          stored.payload,
          stored.position,
          stored.chainHash,
          "remote",
          ctx.deps.now(),
        );
      for (const [index, stored] of events.entries()) {
        pageHashes.set(stored.position, stored.chainHash);
        const existing = log.byId(vaultId, stored.id);
        if (existing !== undefined) {
          if (!bytesEqual(existing.payload, stored.payload)) {
            // Another payload under the id of an event this device holds: ours are checked
            // against what we sealed (the server lies); a remote one is set aside.
            if (existing.position === null) return err({ kind: "id-conflict", id: stored.id });
            setAside(stored, "id-conflict", "an event id this device already holds");
            continue;
          }
          const promised = (
            selectPromised.get(vaultId, stored.id) as { position: number | null } | undefined
          )?.position;
          const expected = existing.position ?? promised ?? stored.position;
          if (expected !== stored.position) {
            return err({
              kind: "moved",
              id: stored.id,
              position: stored.position,
              promised: expected,
            });
          }
          if (existing.position === null) {
            log.placeOwn(vaultId, stored.id, stored.position, stored.chainHash);
            // This device's own roster events take effect where the server placed them, under
            // the same rules as anyone's (its enrolment is self-signed).
            // Only roster payloads (version 2, kind 2) are opened here: this device applied
            // its item events when it wrote them.
            if (stored.payload[0] === 2 && stored.payload[1] !== 1) {
              const own = trust.openRemote(stored, stored.position);
              // Our own batch's window is kept as anyone's: no snapshot inside it (18.3).
              if (own.ok && own.value.kind === "batch")
                trust.recordBatch(own.value.batch, own.value.signer, stored.position);
              else if (own.ok && own.value.kind === "roster") {
                trust.applyRoster(
                  own.value.op,
                  own.value.signer,
                  stored.position,
                  own.value.delivered,
                );
                if (own.value.op.kind === "rekey" && own.value.op.scope === "credentials")
                  deleteState.run("credential-rekey");
                // A device this one approved: its events after this go to the background too.
                if (own.value.op.kind === "enrol") signatures.rosterChangedAt(index);
              } else if (!own.ok) setAside(stored, own.error.reason, own.error.detail);
            }
          }
          continue;
        }
        const opened = trust.openRemote(stored, stored.position, signatures.checkAt(index));
        if (!opened.ok) {
          setAside(stored, opened.error.reason, opened.error.detail);
          continue;
        }
        if (opened.value.kind === "batch") {
          // Its covers hold for the events after it (docs/PROTOCOL.md 18.3).
          trust.recordBatch(opened.value.batch, opened.value.signer, stored.position);
          keepItemless(stored);
          continue;
        }
        if (opened.value.kind === "roster") {
          trust.applyRoster(
            opened.value.op,
            opened.value.signer,
            stored.position,
            opened.value.delivered,
          );
          keepItemless(stored);
          if (opened.value.op.kind === "enrol") {
            signatures.rosterChangedAt(index);
            const entry = trust.entry(opened.value.op.deviceId);
            if (entry !== undefined) enrolled.push(entry);
          }
          continue;
        }
        const event = opened.value.event;
        if (
          event.checkpoint !== null &&
          !agreesWithOwnChain(event.checkpoint, pageHashes, snapshotBase)
        ) {
          return err({ kind: "fork", id: event.id, position: event.checkpoint.position });
        }
        let state = states.get(event.itemId);
        if (state === undefined) {
          const loaded = ctx.store.loadState(event.itemId);
          if (!loaded.ok) return loaded;
          state = loaded.value ?? createItemState(event.itemId);
          states.set(event.itemId, state);
        }
        if (applyToItem(state, event) === "id-conflict") {
          setAside(stored, "id-conflict", "an event id this vault already applied");
          continue;
        }
        if (!ctx.clock.receive(event.hlc).ok) clockDrift.push(event.hlc);
        toCommit.push({
          event,
          payload: stored.payload,
          origin: "remote",
          enqueue: false,
          position: stored.position,
          chainHash: stored.chainHash,
        });
      }
      const last = events.at(-1);
      if (last !== undefined) trust.expireCovers(last.position);
      trust.finishApply();
      ctx.store.commitEvents(toCommit, states, { defer });
      const bound = ctx.deps.maxDeferredItemsForTests ?? MAX_DEFERRED_ITEMS;
      if (!defer || ctx.store.deferredCount() > bound) {
        const flushed = ctx.store.flushDeferred();
        if (!flushed.ok) return flushed;
      }
      ctx.writeState("verified", encodeCheckpoint(nextVerified));
      ctx.saveClock();
      return ok({ applied: toCommit.length, clockDrift, quarantined, enrolled });
    });

  // Items a pull deferred and did not write (it crashed, or was killed): written now, so that
  // lists show them. One that fails to open stays deferred; reading it reports the damage.
  if (ctx.store.deferredCount() > 0) ctx.store.transaction(() => ctx.store.flushDeferred());

  return {
    localOnly: ctx.localOnly,
    account: () => ({
      address: ctx.account.address,
      vaultId,
      kdf: ctx.account.kdf,
      salt: ctx.account.salt,
      wrappedVaultKey: ctx.account.wrappedVaultKey,
      serverUrl: ctx.account.serverUrl,
    }),
    pending: (limit, after) => {
      ctx.assertUnlocked();
      ensureEnrolled();
      ensureRotated();
      const rows = batches.next(limit, after);
      for (const row of rows) {
        if (!trust.opensOwn(row.id, row.payload))
          return err({ kind: "tampered", what: "event", id: row.id });
      }
      return ok(rows);
    },
    rebatch: (ids) => {
      ctx.assertUnlocked();
      return batches.rebatch(ids);
    },
    markSent: (ids) => {
      ctx.assertUnlocked();
      // Advisory ('sent' and the attempt count): a push is idempotent, so losing this is harmless.
      db.bookkeeping(() => {
        const at = ctx.deps.now();
        for (const id of ids) markSent.run(at, vaultId, id);
      });
    },
    markRejected: rejected.reject,
    rejected: () => rejected.list(),
    dropRejected: (ref) => {
      ctx.assertUnlocked();
      return rejected.drop(ref);
    },
    promised: () => {
      ctx.assertUnlocked();
      return selectPromisedAll.all(vaultId) as { id: EventId; position: number }[];
    },
    markOrdered: (events) => {
      ctx.assertUnlocked();
      db.transaction(() => {
        for (const event of events) markOrdered.run(event.position, vaultId, event.id);
      });
    },
    verifyAhead: async (events) => {
      const ahead = ctx.deps.signatureVerifier?.ahead;
      if (ahead === undefined || events.length === 0) return;
      try {
        ctx.assertUnlocked();
        // A new device learns the keys of the others from enrolments in the pages it pulls
        // before it applies them: their keys are taken as hints (a mismatch is verified again).
        for (const stored of events) {
          const announced = trust.announcedKey(stored);
          if (announced === undefined) continue;
          if (announcedKeys.size >= 1000) announcedKeys.clear();
          announcedKeys.set(announced.deviceId, announced.signingKey);
        }
        const { jobs } = signatureJobsOf(
          events,
          vaultId,
          ctx.account.deviceId,
          (device) => trust.entry(device)?.signingKey ?? announcedKeys.get(device),
        );
        await ahead(jobs);
      } catch {
        // Locked meanwhile, or the roster unreadable: the apply verifies (or refuses) itself.
      }
    },
    applyOrdered: (events, nextVerified, options = {}) => {
      ctx.assertUnlocked();
      // Signatures are verified on another core while this thread applies (batch-signatures.ts).
      const signatures = startBatchSignatures(
        ctx.deps.signatureVerifier,
        events,
        vaultId,
        ctx.account.deviceId,
        (device) => trust.entry(device)?.signingKey,
      );
      try {
        return applyVerified(events, nextVerified, signatures, options.defer === true);
      } finally {
        signatures.finish();
        // A failed apply rolled back: what it held in memory (covers, roster reads) goes too.
        trust.endApply();
      }
    },
    flushApplied: () => {
      ctx.assertUnlocked();
      if (ctx.store.deferredCount() === 0) return ok(0);
      return ctx.store.transaction(() => ctx.store.flushDeferred());
    },
    quarantined: () => {
      ctx.assertUnlocked();
      return trust.quarantined();
    },
    fingerprint: () => {
      ctx.assertUnlocked();
      const current = verified();
      const position = fingerprintPosition(current.position);
      const snapshotBase = base();
      const hash =
        position === 0
          ? GENESIS_HASH
          : position === current.position
            ? current.hash
            : (log.hashAt(vaultId, position) ??
              (quarantinedHashAt.get(position) as { chain_hash: Uint8Array } | undefined)
                ?.chain_hash ??
              (snapshotBase?.position === position ? snapshotBase.hash : undefined));
      if (hash === undefined) return undefined;
      const code = bytesToBase32(
        fingerprintHash(vaultId, { position, hash: hash as ChainHash }),
      ).slice(0, 10);
      return { position, code: `${code.slice(0, 5)}-${code.slice(5)}` };
    },
    writeRosterEvent: (op) => {
      ctx.assertUnlocked();
      if (ctx.localOnly) return err({ kind: "not-enrolled" });
      ensureEnrolled();
      const me = trust.entry(ctx.account.deviceId);
      if (me === undefined || me.revokedAt !== null) return err({ kind: "not-enrolled" });
      if (op.kind === "enrol") {
        const target = trust.entry(op.deviceId);
        if (target !== undefined) return err({ kind: "roster-rule", detail: "already enrolled" });
      } else {
        const target = trust.entry(op.deviceId);
        if (target === undefined || target.enrolledAt === null || target.revokedAt !== null)
          return err({ kind: "roster-rule", detail: `device ${op.deviceId} is not active here` });
      }
      const id = ctx.ids.eventId();
      db.transaction(() => {
        queueRosterEvent(id, op);
        if (op.kind === "revoke") queueRekey("devices", op.deviceId);
      });
      ctx.localChanges.written();
      if (!db.inTransaction()) ctx.localChanges.settled(true);
      return ok(id);
    },
    rotateKey: (scope = "devices") => {
      ctx.assertUnlocked();
      if (ctx.localOnly) return err({ kind: "not-enrolled" });
      ensureEnrolled();
      const me = trust.entry(ctx.account.deviceId);
      if (me === undefined || me.revokedAt !== null) return err({ kind: "not-enrolled" });
      const id = db.transaction(() => queueRekey(scope));
      ctx.localChanges.written();
      if (!db.inTransaction()) ctx.localChanges.settled(true);
      return ok(id);
    },
    wrapEpochKeys: async (password, current = ctx.account.wrappedVaultKey) => {
      ctx.assertUnlocked();
      if ((wrappedEpochCount(current) ?? 0) > trust.epochs.sealing()) return ok(undefined);
      const keys = await unlockKeys(
        { ...ctx.account, wrappedVaultKey: current },
        password,
        ctx.deps,
      );
      if (!keys.ok) return keys;
      const { wrapKey, epochKeys } = keys.value;
      wipe(keys.value.secretKey, keys.value.authSecret);
      const list = epochKeyList(trust.epochs, epochKeys);
      if (list === undefined || list.length <= epochKeys.length) {
        wipe(wrapKey);
        return ok(undefined);
      }
      const wrapped = wrapEpochKeysUnder(
        wrapKey,
        list,
        { address: ctx.account.address, vaultId },
        ctx.deps.randomBytes,
      );
      wipe(wrapKey);
      const record = { ...ctx.account, wrappedVaultKey: wrapped };
      return ok({
        previous: current,
        wrapped,
        epochs: list.length,
        commit: () => {
          ctx.assertUnlocked();
          writeAccountRecord(db, record);
          ctx.account = record;
        },
      });
    },
    learnEpochKeys: (keys) => {
      ctx.assertUnlocked();
      db.transaction(() => {
        keys.forEach((key, epoch) => {
          if (epoch > 0 && trust.epochs.vaultKeyOf(epoch) === undefined)
            trust.epochs.add(epoch, key, null);
        });
      });
    },
    keyEpochs: () => {
      ctx.assertUnlocked();
      return { sealing: trust.epochs.sealing(), known: trust.epochs.known() };
    },
    roster: () => {
      ctx.assertUnlocked();
      return trust.roster();
    },
    approvalSetting,
    setAwaitingApproval: (waiting) =>
      db.transaction(() => ctx.writeState("awaiting-approval", Uint8Array.of(waiting ? 1 : 0))),
    awaitingApproval,
    publicKeys: () => {
      ctx.assertUnlocked();
      const keys = trust.keys();
      return { signingKey: keys.signingKey, exchangeKey: keys.exchangeKey };
    },
    setDeviceName: (name) => {
      ctx.assertUnlocked();
      trust.setDeviceName(name);
    },
    verified,
    sealBatchSigned: (events) => {
      ctx.assertUnlocked();
      return trust.sealBatchSigned(events, ctx.verifiedCheckpoint());
    },
    signBatch: (hashes) => {
      ctx.assertUnlocked();
      return trust.signBatch(hashes, ctx.verifiedCheckpoint());
    },
    status: () => {
      ctx.assertUnlocked();
      const counts = new Map(
        (countOutbox.all(vaultId) as { state: string; n: number }[]).map((r) => [r.state, r.n]),
      );
      const lastSync = ctx.readState("last-sync");
      return {
        pending: counts.get("pending") ?? 0,
        sent: counts.get("sent") ?? 0,
        ordered: counts.get("ordered") ?? 0,
        rejected: counts.get("rejected") ?? 0,
        verifiedEvents: (countVerified.get(vaultId) as { n: number }).n,
        verified: verified(),
        lastSyncAt: lastSync === undefined ? null : Number(new TextDecoder().decode(lastSync)),
      };
    },
    recordSyncTime: () =>
      db.bookkeeping(() =>
        ctx.writeState("last-sync", new TextEncoder().encode(String(ctx.deps.now()))),
      ),
    exportSnapshot: () => {
      ctx.assertUnlocked();
      if ((countOutbox.all(vaultId) as unknown[]).length > 0)
        return err({ kind: "outbox-not-empty" });
      const checkpoint = verified();
      if (trust.batchWindowOpenAt(checkpoint.position)) return err({ kind: "inside-batch" });
      const states = ctx.store.readStates();
      if (!states.ok) return states;
      const roster = trust
        .roster()
        .filter((e) => e.enrolledAt !== null && e.enrolledAt <= checkpoint.position);
      if (roster.length === 0) {
        // Before the upgrade point: a version-1 snapshot, as version-1 devices wrote them.
        return ok({
          position: checkpoint.position,
          chainHash: checkpoint.hash,
          payload: sealSnapshot(
            ctx.keys,
            vaultId,
            checkpoint,
            states.value,
            ctx.deps.randomBytes,
            ctx.deps.compression,
          ),
        });
      }
      const own = activeAt(
        roster.find((e) => e.deviceId === ctx.account.deviceId),
        checkpoint.position + 1,
      );
      // As of the checkpoint: the outbox is empty, so every roster event applied here is at or
      // before it. A device that does not know the setting writes format 2 rather than claim one.
      const setting = approvalSetting();
      const approval: SnapshotApproval = setting === undefined ? null : setting;
      // A device not (or no longer) in the roster cannot sign a snapshot others accept.
      if (own === undefined) return err({ kind: "not-enrolled" });
      return ok({
        position: checkpoint.position,
        chainHash: checkpoint.hash,
        payload: sealSignedSnapshot(
          trust.epochs.keysOf(trust.epochs.sealing()) as VaultKeys,
          vaultId,
          checkpoint,
          states.value,
          roster,
          approval,
          {
            deviceId: ctx.account.deviceId,
            signingSeed: trust.keys().signingSeed,
            epoch: trust.epochs.sealing(),
          },
          ctx.deps.randomBytes,
          ctx.deps.compression,
        ),
      });
    },
    importSnapshot: (snapshot) => {
      ctx.assertUnlocked();
      const checkpoint = { position: snapshot.position, hash: snapshot.chainHash };
      const opened = openSnapshot(
        trust.epochs.keysOf,
        vaultId,
        checkpoint,
        snapshot.payload,
        ctx.deps.compression,
      );
      if (!opened.ok) return opened;
      return ctx.store.transaction(
        (): Result<{ readonly items: number }, { readonly kind: "not-empty" }> => {
          if ((countRows.get() as { n: number }).n > 0) return err({ kind: "not-empty" });
          let latest: Hlc | undefined;
          const { states, encoded } = opened.value;
          for (const [index, state] of states.entries()) {
            ctx.store.importItem(state, encoded[index]);
            for (const applied of state.applied.values()) {
              if (latest === undefined || compareHlc(applied.hlc, latest) > 0) latest = applied.hlc;
            }
          }
          for (const entry of opened.value.roster) {
            if (entry.deviceId !== ctx.account.deviceId) trust.writeEntry(entry);
          }
          if (latest !== undefined) ctx.clock.receive(latest);
          const approval = opened.value.approval;
          // 1: the snapshot said what the log's setting was (perhaps none); 0: it could not.
          ctx.writeState("snapshot-approval", Uint8Array.of(approval === "unknown" ? 0 : 1));
          if (approval !== "unknown" && approval !== null) trust.adoptApprovalSetting(approval);
          // The epochs up to the snapshot's started before it (their rekey events are below it).
          trust.epochs.startedBy(opened.value.epoch, checkpoint.position);
          ctx.writeState("verified", encodeCheckpoint(checkpoint));
          ctx.writeState("snapshot-base", encodeCheckpoint(checkpoint));
          ctx.saveClock();
          return ok({ items: opened.value.states.length });
        },
      );
    },
    authSecret: async (password) => {
      ctx.assertUnlocked();
      const keys = await unlockKeys(ctx.account, password, ctx.deps);
      if (!keys.ok) return keys;
      wipe(keys.value.vaultKey, keys.value.secretKey, keys.value.wrapKey);
      return ok(keys.value.authSecret);
    },
    readSecret: (name) => {
      ctx.assertUnlocked();
      const box = ctx.readState(`secret:${name}`);
      if (box === undefined) return undefined;
      const opened = open(ctx.keys.storeKey, box, secretAd(name));
      return opened.ok ? opened.value : undefined;
    },
    writeSecret: (name, value) => {
      ctx.assertUnlocked();
      ctx.writeState(
        `secret:${name}`,
        seal(ctx.keys.storeKey, value, secretAd(name), ctx.deps.randomBytes),
      );
    },
    deleteSecret: (name) => {
      ctx.assertUnlocked();
      deleteState.run(`secret:${name}`);
    },
    eventStore: createSqliteEventStore(db, ctx.deps.now),
    onLocalChange: (listener, fileCheckMs = 250) => {
      const unsubscribe = ctx.localChanges.subscribe(listener);
      // data_version moves on another connection's commit, never on this one's own writes.
      let seen = db.dataVersion();
      const check = () => {
        if (ctx.isLocked()) return;
        const version = db.dataVersion();
        if (version === seen) return;
        seen = version;
        listener();
      };
      const stopWatching = db.watchFile?.(check);
      const timer = setInterval(check, fileCheckMs);
      unrefTimer(timer);
      return () => {
        unsubscribe();
        stopWatching?.();
        clearInterval(timer);
      };
    },
  };
};

/** Lets a process exit with the check timer running (Node); timers elsewhere have no such hold. */
const unrefTimer = (timer: ReturnType<typeof setInterval>): void => {
  if (typeof timer === "object" && timer !== null && "unref" in timer) timer.unref();
};
