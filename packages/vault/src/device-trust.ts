/**
 * Device trust on one vault (protocol version 2, docs/PROTOCOL.md 16): this device's key pairs
 * (made here, sealed in this file), signing what it writes, the roster as this device verified
 * it in the log, checking every remote event's signer and signature, and the quarantine of
 * events that fail. Internal to the vault: `vault.ts` signs local events through it and
 * `vault-sync.ts` opens remote events through it.
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import {
  associatedData,
  createDeviceKeyPairs,
  createVaultKey,
  type DeviceKeyPairs,
  deviceKeyPairsFromSecrets,
  open,
  openKeyDelivery,
  seal,
  sealKeyDelivery,
  type VaultKey,
  type VaultKeys,
  verifyDeviceSignature,
} from "@keypears/crypto";
import {
  activeAt,
  applyRosterOp,
  type Batch,
  BATCH_SIGNED_PAYLOAD_VERSION,
  type Checkpoint,
  decodeRosterOp,
  type DeviceId,
  type Event,
  type EventEnvelope,
  type EventId,
  envelopeBytes,
  eventSignatureMessage,
  hashEvent,
  parseBatchSignedItemPayload,
  parseSignedPayload,
  payloadVersion,
  type RekeyScope,
  type RosterEntry,
  type RosterOp,
  rosterRuleBroken,
  type VaultId,
} from "@keypears/sync-core";
import { createBatchCovers } from "./batch-covers.ts";
import {
  openBatchBox,
  openEvent,
  openEventBodyBox,
  type OpenError,
  openRosterBox,
  SIGNED_EVENT_SCHEMA,
} from "./sealing.ts";
import {
  sealBatchSignedEvents,
  signBatch,
  sealBatchSignedItemEvent,
  sealSignedItemEvent,
  sealSignedRosterEvent,
} from "./signed-sealing.ts";
import type { KeyEpochs } from "./key-epochs.ts";
import type { VaultContext } from "./vault-context.ts";

/** Why an event was set aside instead of applied (docs/PROTOCOL.md 16.5). */
export type QuarantineReason =
  | "malformed"
  | "unsigned"
  | "unknown-signer"
  | "revoked-signer"
  | "bad-signature"
  | "unknown-epoch"
  | "undecryptable"
  | "invalid-event"
  | "id-conflict"
  | "roster-rule";

export interface QuarantinedEvent {
  readonly position: number;
  readonly id: EventId;
  readonly reason: QuarantineReason;
  /** A short explanation with no content of the event (ids, sizes, rule names). */
  readonly detail: string;
  readonly at: number;
}

/** Whether `signature` is `signingKey`'s Ed25519 signature of `message` (`verifyDeviceSignature`). */
export type SignatureCheck = (
  signingKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => boolean;

export interface Refusal {
  readonly reason: QuarantineReason;
  readonly detail: string;
}

/** What a remote event turned out to be once opened and verified. */
export type OpenedRemote =
  | { readonly kind: "legacy"; readonly event: Event }
  | { readonly kind: "item"; readonly event: Event; readonly signer: DeviceId }
  /** A batch event (docs/PROTOCOL.md 18.1), verified: its covers are to be kept (`recordBatch`). */
  | { readonly kind: "batch"; readonly batch: Batch; readonly signer: DeviceId }
  | {
      readonly kind: "roster";
      readonly op: RosterOp;
      readonly signer: DeviceId;
      /** For a rekey: the new epoch's vault key, when it was delivered to this device. */
      readonly delivered?: VaultKey;
    };

/** The approval setting as a roster event at `position` signed by `setBy` left it. */
export interface ApprovalSetting {
  readonly required: boolean;
  readonly position: number;
  readonly setBy: DeviceId;
}

export interface DeviceTrust {
  /** This device's key pairs, made (and sealed into the file) the first time they are needed. */
  readonly keys: () => DeviceKeyPairs;
  /**
   * Seals a local item event as protocol version 3 writes it (docs/PROTOCOL.md 18.1): unsigned,
   * naming this device; the batch event written before its push signs it (`signBatch`).
   */
  readonly sealItemEvent: (event: Event) => Uint8Array;
  /** Seals a batch of item events as `sealItemEvent` does. */
  readonly sealItemEvents: (events: readonly Event[]) => readonly Uint8Array[];
  readonly sealRosterEvent: (id: EventId, op: RosterOp) => Uint8Array;
  /**
   * Seals item events as protocol version 3 writes them (docs/PROTOCOL.md 18.1): a signed batch
   * event, to be pushed first, and each event unsigned, named by the batch, outside the outbox
   * (`vault.sync.sealBatchSigned`, for tests; the writer uses `sealItemEvent` and `signBatch`).
   */
  readonly sealBatchSigned: (
    events: readonly Event[],
    checkpoint: Checkpoint | null,
  ) => { readonly batch: EventEnvelope; readonly items: readonly EventEnvelope[] };
  /** A signed batch event naming the events of these event hashes (`signBatch`). */
  readonly signBatch: (
    hashes: readonly Uint8Array[],
    checkpoint: Checkpoint | null,
  ) => EventEnvelope;
  /**
   * Starts applying a batch of ordered events in one transaction, which holds the file's write
   * lock: until it ends, roster entries are read once, and covers are kept in memory.
   */
  readonly startApply: () => void;
  /** Writes what the apply keeps for later (covers still open), then ends it; call inside its transaction. */
  readonly finishApply: () => void;
  /** Ends an apply without writing (its transaction rolled back): forgets what it held in memory. */
  readonly endApply: () => void;
  /** Keeps the covers of a batch event verified at `position` (`openRemote` answered `batch`). */
  readonly recordBatch: (batch: Batch, signer: DeviceId, position: number) => void;
  /** Forgets the covers whose window the chain has passed (through `position`). */
  readonly expireCovers: (position: number) => void;
  /** Whether a verified batch's window is still open at `position` (`BatchCovers.windowOpenAt`). */
  readonly batchWindowOpenAt: (position: number) => boolean;
  /**
   * A rekey starting the epoch after the one this device seals under, delivered to `recipients`
   * (this device among them, unless it revokes itself); its key is kept, unused until the event
   * is ordered (`key-epochs.ts`).
   */
  readonly makeRekey: (recipients: readonly RosterEntry[], scope?: RekeyScope) => RosterOp;
  readonly epochs: KeyEpochs;
  /**
   * Opens and verifies a server-ordered event at `position`; a refusal is to be quarantined.
   * `verify` checks a signature (Ed25519); the applying side may pass one that takes the answer a
   * background thread found for the same key, message and signature.
   */
  readonly openRemote: (
    stored: { readonly id: EventId; readonly payload: Uint8Array },
    position: number,
    verify?: SignatureCheck,
  ) => Result<OpenedRemote, Refusal>;
  /**
   * The device and signing key a pulled enrolment names, if `stored` is one and opens under a key
   * this device holds. Only a hint, for verifying the enrolled device's signatures ahead of the
   * apply (`vault.sync.verifyAhead`): whether it enrols anyone is decided when it is applied.
   */
  readonly announcedKey: (stored: {
    readonly id: EventId;
    readonly payload: Uint8Array;
  }) => { readonly deviceId: DeviceId; readonly signingKey: Uint8Array } | undefined;
  /** Checks that a payload of this device's outbox opens (before it leaves). */
  readonly opensOwn: (id: EventId, payload: Uint8Array) => boolean;
  readonly entry: (id: DeviceId) => RosterEntry | undefined;
  readonly roster: () => readonly RosterEntry[];
  /** Whether the log has passed its upgrade point (a roster event was verified). */
  readonly upgraded: () => boolean;
  readonly writeEntry: (entry: RosterEntry) => void;
  readonly applyRoster: (
    op: RosterOp,
    signer: DeviceId,
    position: number,
    delivered?: VaultKey,
  ) => void;
  /** The account's approval setting as the log last set it (16.10), if it ever did. */
  readonly approvalSetting: () => ApprovalSetting | undefined;
  /** Keeps the setting a snapshot carried (the log's as of the snapshot's position). */
  readonly adoptApprovalSetting: (setting: ApprovalSetting) => void;
  readonly quarantine: (
    stored: { readonly id: EventId; readonly payload: Uint8Array },
    position: number,
    chainHash: Uint8Array,
    refusal: Refusal,
  ) => void;
  readonly quarantined: () => readonly QuarantinedEvent[];
  readonly deviceName: () => string;
  readonly setDeviceName: (name: string) => void;
}

interface RosterRow {
  device_id: string;
  name: string;
  signing_key: Uint8Array;
  exchange_key: Uint8Array;
  enrolled_at: number | null;
  enrolled_at_ms: number;
  via: "self" | "approved";
  approved_by: string | null;
  revoked_at: number | null;
}

const fromRow = (row: RosterRow): RosterEntry => ({
  deviceId: row.device_id as DeviceId,
  name: row.name,
  signingKey: row.signing_key,
  exchangeKey: row.exchange_key,
  enrolledAt: row.enrolled_at,
  enrolledAtMs: row.enrolled_at_ms,
  via: row.via,
  approvedBy: row.approved_by as DeviceId | null,
  revokedAt: row.revoked_at,
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const createDeviceTrust = (ctx: VaultContext, epochs: KeyEpochs): DeviceTrust => {
  const { db } = ctx;
  const vaultId = ctx.account.vaultId;
  const deviceId = ctx.account.deviceId;
  const selectEntry = db.prepare("SELECT * FROM roster WHERE device_id = ?");
  const selectAll = db.prepare("SELECT * FROM roster ORDER BY enrolled_at IS NULL, enrolled_at");
  const selectUpgraded = db.prepare(
    "SELECT 1 AS x FROM roster WHERE enrolled_at IS NOT NULL LIMIT 1",
  );
  const upsertEntry = db.prepare(
    `INSERT INTO roster (device_id, name, signing_key, exchange_key, enrolled_at, enrolled_at_ms, via, approved_by, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET name = excluded.name,
       signing_key = excluded.signing_key, exchange_key = excluded.exchange_key,
       enrolled_at = excluded.enrolled_at, enrolled_at_ms = excluded.enrolled_at_ms, via = excluded.via,
       approved_by = excluded.approved_by, revoked_at = excluded.revoked_at`,
  );
  const insertQuarantine = db.prepare(
    "INSERT OR IGNORE INTO quarantine (position, event_id, reason, detail, payload, chain_hash, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const selectQuarantine = db.prepare(
    "SELECT position, event_id AS id, reason, detail, at FROM quarantine ORDER BY position",
  );

  const covers = createBatchCovers(db);

  const keysAd = associatedData("device-keys", vaultId, deviceId);
  let keys: DeviceKeyPairs | undefined;
  const loadKeys = (): DeviceKeyPairs => {
    if (keys !== undefined) return keys;
    const sealed = ctx.readState("device-keys");
    if (sealed !== undefined) {
      const opened = open(ctx.keys.storeKey, sealed, keysAd);
      if (!opened.ok || opened.value.length !== 64)
        throw new Error("this device's signing keys do not open: the vault file is damaged");
      keys = deviceKeyPairsFromSecrets(opened.value.slice(0, 32), opened.value.slice(32, 64));
      return keys;
    }
    const made = createDeviceKeyPairs(ctx.deps.randomBytes);
    const secrets = new Uint8Array(64);
    secrets.set(made.signingSeed);
    secrets.set(made.exchangeSecret, 32);
    ctx.writeState("device-keys", seal(ctx.keys.storeKey, secrets, keysAd, ctx.deps.randomBytes));
    secrets.fill(0);
    keys = made;
    return keys;
  };

  const signer = () => ({ deviceId, signingSeed: loadKeys().signingSeed, epoch: epochs.sealing() });
  /** An item event as this version writes it: unsigned, signed later by its batch (18.1). */
  const sealItem = (keys: VaultKeys, event: Event): Uint8Array =>
    ctx.deps.unsafeVersion2ItemEventsForTests === true
      ? sealSignedItemEvent(keys, signer(), event, ctx.deps.randomBytes)
      : sealBatchSignedItemEvent(
          keys,
          { deviceId, epoch: epochs.sealing() },
          event,
          ctx.deps.randomBytes,
        );
  const sealingKeys = (): VaultKeys => epochs.keysOf(epochs.sealing()) as VaultKeys;

  /**
   * Roster entries read during one apply (`startApply` clears them; `writeEntry` keeps them
   * current): the apply holds the file's write lock, so no other connection changes them meanwhile.
   */
  const entries = new Map<DeviceId, RosterEntry | undefined>();
  let applying = false;
  const entry = (id: DeviceId): RosterEntry | undefined => {
    if (applying && entries.has(id)) return entries.get(id);
    const row = selectEntry.get(id) as RosterRow | undefined;
    const found = row === undefined ? undefined : fromRow(row);
    if (applying) entries.set(id, found);
    return found;
  };

  /** After an apply, committed or rolled back: nothing it read or recorded is kept in memory. */
  const endApply = (): void => {
    applying = false;
    entries.clear();
    covers.forgetUnwritten();
  };

  const writeEntry = (e: RosterEntry): void => {
    entries.delete(e.deviceId);
    upsertEntry.run(
      e.deviceId,
      e.name,
      e.signingKey,
      e.exchangeKey,
      e.enrolledAt,
      e.enrolledAtMs,
      e.via,
      e.approvedBy,
      e.revokedAt,
    );
  };

  const inactiveSigner = (signer: DeviceId): Refusal => {
    const known = entry(signer);
    return known !== undefined && known.revokedAt !== null
      ? { reason: "revoked-signer", detail: `device ${signer} was revoked at ${known.revokedAt}` }
      : { reason: "unknown-signer", detail: `device ${signer} is not enrolled here` };
  };

  /**
   * A batch-signed item event (docs/PROTOCOL.md 18.3): its signer active at its position, and
   * its event hash (its exact bytes) named by a verified batch of the same signer whose window
   * holds the position. Its checkpoint is the batch's.
   */
  const openBatchSigned = (
    stored: { readonly id: EventId; readonly payload: Uint8Array },
    position: number,
  ): Result<OpenedRemote, Refusal> => {
    const parsed = parseBatchSignedItemPayload(stored.payload);
    if (!parsed.ok) return err({ reason: "malformed", detail: parsed.error.detail });
    const payload = parsed.value;
    if (activeAt(entry(payload.signer), position) === undefined)
      return err(inactiveSigner(payload.signer));
    // An epoch this device holds no key of (it was revoked before it) says why it cannot read the
    // event; its batch, sealed under that epoch too, could not be opened to name it.
    const keys = epochs.usableAt(payload.epoch, position)
      ? epochs.keysOf(payload.epoch)
      : undefined;
    if (keys === undefined)
      return err({ reason: "unknown-epoch", detail: `epoch ${payload.epoch}` });
    const cover = covers.take(payload.signer, position, hashEvent(envelopeBytes(stored)));
    if (cover.kind === "uncovered")
      return err({
        reason: "unsigned",
        detail: `no batch of ${payload.signer} names these bytes here`,
      });
    const event = openEventBodyBox(
      keys,
      vaultId,
      { id: stored.id, payload: payload.box },
      cover.checkpoint,
    );
    if (event.ok) return ok({ kind: "item", event: event.value, signer: payload.signer });
    return err(
      event.error.kind === "invalid-event"
        ? { reason: "invalid-event", detail: event.error.reason }
        : { reason: "undecryptable", detail: "does not open under the vault key" },
    );
  };

  const openRemote: DeviceTrust["openRemote"] = (
    stored,
    position,
    verify = verifyDeviceSignature,
  ) => {
    const version = payloadVersion(stored.payload);
    if (version === 1) {
      if (selectUpgraded.get() !== undefined)
        return err({ reason: "unsigned", detail: "a version-1 event after the upgrade point" });
      const event = openEvent(ctx.keys, vaultId, stored);
      if (event.ok) return ok({ kind: "legacy", event: event.value });
      return err(
        event.error.kind === "invalid-event"
          ? { reason: "invalid-event", detail: event.error.reason }
          : { reason: "undecryptable", detail: "does not open under the vault key" },
      );
    }
    if (version === BATCH_SIGNED_PAYLOAD_VERSION) return openBatchSigned(stored, position);
    const parsed = parseSignedPayload(stored.payload);
    if (!parsed.ok)
      return err({
        reason: "malformed",
        detail: version === 2 ? parsed.error.detail : `unknown payload version ${version}`,
      });
    const payload = parsed.value;
    // An older epoch is accepted from an active signer: a device that had not yet learned of a
    // rotation (docs/PROTOCOL.md 16.7). A newer one than this device holds cannot be opened.
    const keys = epochs.usableAt(payload.epoch, position)
      ? epochs.keysOf(payload.epoch)
      : undefined;
    if (keys === undefined)
      return err({ reason: "unknown-epoch", detail: `epoch ${payload.epoch}` });
    const message = eventSignatureMessage(vaultId, stored.id, payload.unsigned);
    if (payload.kind === "item") {
      const signer = activeAt(entry(payload.signer), position);
      if (signer === undefined) return err(inactiveSigner(payload.signer));
      if (!verify(signer.signingKey, message, payload.signature))
        return err({ reason: "bad-signature", detail: `not signed by ${payload.signer}` });
      const event = openEvent(
        keys,
        vaultId,
        { id: stored.id, payload: payload.box },
        SIGNED_EVENT_SCHEMA,
      );
      if (event.ok) return ok({ kind: "item", event: event.value, signer: payload.signer });
      return err(
        event.error.kind === "invalid-event"
          ? { reason: "invalid-event", detail: event.error.reason }
          : { reason: "undecryptable", detail: "does not open under the vault key" },
      );
    }
    if (payload.kind === "batch") {
      // A batch is signed by a device active at its position; it enrols no one (18.3).
      const signer = activeAt(entry(payload.signer), position);
      if (signer === undefined) return err(inactiveSigner(payload.signer));
      if (!verify(signer.signingKey, message, payload.signature))
        return err({ reason: "bad-signature", detail: `not signed by ${payload.signer}` });
      const batch = openBatchBox(keys, vaultId, stored.id, payload.box);
      if (batch.ok) return ok({ kind: "batch", batch: batch.value, signer: payload.signer });
      return err(
        batch.error.kind === "invalid-event"
          ? { reason: "invalid-event", detail: batch.error.reason }
          : { reason: "undecryptable", detail: "batch does not open under the vault key" },
      );
    }
    // An active signer's signature is checked first; otherwise only a self-enrolment can be
    // valid, and its key is inside the box.
    const active = activeAt(entry(payload.signer), position);
    if (active !== undefined && !verify(active.signingKey, message, payload.signature))
      return err({ reason: "bad-signature", detail: `not signed by ${payload.signer}` });
    const bytes = openRosterBox(keys, vaultId, stored.id, payload.box);
    if (bytes === undefined)
      return err({
        reason: "undecryptable",
        detail: "roster event does not open under the vault key",
      });
    const op = decodeRosterOp(bytes);
    if (!op.ok) return err({ reason: "invalid-event", detail: op.error.reason });
    if (active === undefined) {
      if (op.value.kind !== "enrol" || op.value.deviceId !== payload.signer)
        return err(inactiveSigner(payload.signer));
      if (!verify(op.value.signingKey, message, payload.signature))
        return err({ reason: "bad-signature", detail: `not signed by ${payload.signer}` });
    }
    const broken = rosterRuleBroken(entry, op.value, payload.signer, position);
    if (broken !== undefined) return err({ reason: "roster-rule", detail: broken });
    if (op.value.kind === "rekey") return checkRekey(op.value, payload.signer, position);
    return ok({ kind: "roster", op: op.value, signer: payload.signer });
  };

  /**
   * The rules of a rekey beyond its signer (docs/PROTOCOL.md 16.7): it starts the epoch right
   * after the latest one, and every device active at its position gets the key (so none is left
   * unable to read). Deliveries to devices not active are ignored. A credential rekey is
   * delivered to its signer alone (checked with the roster rules): the others read the new epoch
   * only once they sign in with the new credentials and open the password-wrapped copy.
   */
  const checkRekey = (
    op: Extract<RosterOp, { kind: "rekey" }>,
    signer: DeviceId,
    position: number,
  ): Result<OpenedRemote, Refusal> => {
    const latest = Math.max(epochs.sealing(), revokedDeviceEpoch());
    if (op.epoch !== latest + 1)
      return err({ reason: "roster-rule", detail: `epoch ${op.epoch} does not follow ${latest}` });
    const addressed = new Set(op.deliveries.map((d) => d.deviceId));
    const missed =
      op.scope === "credentials"
        ? undefined
        : roster().find((e) => activeAt(e, position) !== undefined && !addressed.has(e.deviceId));
    if (missed !== undefined)
      return err({ reason: "roster-rule", detail: `no key for device ${missed.deviceId}` });
    const mine = op.deliveries.find((d) => d.deviceId === deviceId);
    if (mine === undefined || activeAt(entry(deviceId), position) === undefined)
      return ok({ kind: "roster", op, signer });
    const key = openKeyDelivery(loadKeys().exchangeSecret, mine.box, {
      vaultId,
      deviceId,
      epoch: op.epoch,
    });
    if (!key.ok)
      return err({
        reason: "undecryptable",
        detail: "the key delivered to this device does not open",
      });
    return ok({ kind: "roster", op, signer, delivered: key.value });
  };

  /** The latest epoch this device saw start without its key (it was revoked), kept in state. */
  const revokedDeviceEpoch = (): number => {
    const stored = ctx.readState("epoch-without-key");
    return stored === undefined ? 0 : Number(decoder.decode(stored));
  };

  const roster = () => (selectAll.all() as RosterRow[]).map(fromRow);

  const opensOwn: DeviceTrust["opensOwn"] = (id, payload) => {
    if (payloadVersion(payload) === 1) return openEvent(ctx.keys, vaultId, { id, payload }).ok;
    if (payloadVersion(payload) === BATCH_SIGNED_PAYLOAD_VERSION) {
      const unsigned = parseBatchSignedItemPayload(payload);
      const keys = unsigned.ok ? epochs.keysOf(unsigned.value.epoch) : undefined;
      return (
        unsigned.ok &&
        keys !== undefined &&
        openEventBodyBox(keys, vaultId, { id, payload: unsigned.value.box }, null).ok
      );
    }
    const parsed = parseSignedPayload(payload);
    if (!parsed.ok) return false;
    const keys = epochs.keysOf(parsed.value.epoch);
    if (keys === undefined) return false;
    if (parsed.value.kind === "roster")
      return openRosterBox(keys, vaultId, id, parsed.value.box) !== undefined;
    if (parsed.value.kind === "batch") return openBatchBox(keys, vaultId, id, parsed.value.box).ok;
    return openEvent(keys, vaultId, { id, payload: parsed.value.box }, SIGNED_EVENT_SCHEMA).ok;
  };

  const makeRekey: DeviceTrust["makeRekey"] = (recipients, scope = "devices") => {
    const epoch = epochs.sealing() + 1;
    const key = createVaultKey(ctx.deps.randomBytes);
    const deliveries = recipients.map((r) => ({
      deviceId: r.deviceId,
      box: sealKeyDelivery(
        r.exchangeKey,
        key,
        { vaultId, deviceId: r.deviceId, epoch },
        ctx.deps.randomBytes,
      ),
    }));
    epochs.add(epoch, key, null);
    return { kind: "rekey", epoch, scope, deliveries };
  };

  const writeApprovalSetting = (setting: ApprovalSetting): void =>
    ctx.writeState("approval-setting", encoder.encode(JSON.stringify(setting)));

  const applyRoster: DeviceTrust["applyRoster"] = (op, signer, position, delivered) => {
    if (op.kind === "require-approval") {
      writeApprovalSetting({ required: op.required, position, setBy: signer });
      return;
    }
    if (op.kind !== "rekey") {
      writeEntry(applyRosterOp(entry(op.deviceId), op, signer, position));
      return;
    }
    if (delivered !== undefined) epochs.add(op.epoch, delivered, position);
    // A device that signed in after the rotation holds the key from the password-wrapped copy. A
    // revoked device may hold its own key of the same epoch (its rekey lost): never started.
    else if (
      (entry(deviceId)?.revokedAt ?? null) === null &&
      epochs.vaultKeyOf(op.epoch) !== undefined
    )
      epochs.start(op.epoch, position);
    else ctx.writeState("epoch-without-key", encoder.encode(String(op.epoch)));
  };

  const announcedKey: DeviceTrust["announcedKey"] = (stored) => {
    // A signed roster payload (version 2, kind 2; docs/PROTOCOL.md 16.2).
    if (stored.payload[0] !== 2 || stored.payload[1] !== 2) return undefined;
    const parsed = parseSignedPayload(stored.payload);
    if (!parsed.ok || parsed.value.kind !== "roster") return undefined;
    const keys = epochs.keysOf(parsed.value.epoch);
    if (keys === undefined) return undefined;
    const bytes = openRosterBox(keys, vaultId, stored.id, parsed.value.box);
    if (bytes === undefined) return undefined;
    const op = decodeRosterOp(bytes);
    if (!op.ok || op.value.kind !== "enrol") return undefined;
    return { deviceId: op.value.deviceId, signingKey: op.value.signingKey };
  };

  return {
    keys: loadKeys,
    announcedKey,
    sealItemEvent: (event) => sealItem(sealingKeys(), event),
    sealItemEvents: (events) => {
      const keys = sealingKeys();
      return events.map((event) => sealItem(keys, event));
    },
    sealRosterEvent: (id, op) =>
      sealSignedRosterEvent(sealingKeys(), signer(), vaultId, id, op, ctx.deps.randomBytes),
    sealBatchSigned: (events, checkpoint) =>
      sealBatchSignedEvents(
        sealingKeys(),
        signer(),
        vaultId,
        ctx.ids.eventId() as EventId,
        checkpoint,
        events,
        ctx.deps.randomBytes,
      ),
    signBatch: (hashes, checkpoint) =>
      signBatch(
        sealingKeys(),
        signer(),
        vaultId,
        ctx.ids.eventId() as EventId,
        checkpoint,
        hashes,
        ctx.deps.randomBytes,
      ),
    startApply: () => {
      endApply();
      applying = true;
    },
    finishApply: () => {
      covers.finishApply();
      endApply();
    },
    endApply,
    recordBatch: covers.record,
    expireCovers: covers.expireThrough,
    batchWindowOpenAt: covers.windowOpenAt,
    makeRekey,
    epochs,
    openRemote,
    opensOwn,
    entry,
    roster,
    upgraded: () => selectUpgraded.get() !== undefined,
    writeEntry,
    applyRoster,
    approvalSetting: () => {
      const stored = ctx.readState("approval-setting");
      return stored === undefined
        ? undefined
        : (JSON.parse(decoder.decode(stored)) as ApprovalSetting);
    },
    adoptApprovalSetting: writeApprovalSetting,
    quarantine: (stored, position, chainHash, refusal) => {
      insertQuarantine.run(
        position,
        stored.id,
        refusal.reason,
        refusal.detail,
        stored.payload,
        chainHash,
        ctx.deps.now(),
      );
    },
    quarantined: () => selectQuarantine.all() as QuarantinedEvent[],
    deviceName: () => {
      const stored = ctx.readState("device-name");
      return stored === undefined ? `device ${deviceId.slice(0, 6)}` : decoder.decode(stored);
    },
    setDeviceName: (name) => ctx.writeState("device-name", encoder.encode(name)),
  };
};

/** Whether two roster entries name the same keys (a snapshot's roster against this device's). */
export const sameKeys = (a: RosterEntry, b: RosterEntry): boolean =>
  bytesEqual(a.signingKey, b.signingKey) && bytesEqual(a.exchangeKey, b.exchangeKey);

/**
 * Opens a stored event of either payload version to rebuild this device's own rows from it
 * (`keypears doctor`): the item event, or undefined for a roster event. A signed payload's
 * signature is checked against its signer's key in the local roster (`signingKeyOf`), so a
 * damaged signature is reported like a damaged box; who may sign at which position was checked
 * when the event was applied.
 */
export const openStoredItemEvent = (
  keysOf: (epoch: number) => VaultKeys | undefined,
  vaultId: VaultId,
  stored: EventEnvelope,
  signingKeyOf: (signer: DeviceId) => Uint8Array | undefined,
): Result<Event | undefined, OpenError> => {
  const epochZero = keysOf(0) as VaultKeys;
  if (payloadVersion(stored.payload) === 1) return openEvent(epochZero, vaultId, stored);
  if (payloadVersion(stored.payload) === BATCH_SIGNED_PAYLOAD_VERSION) {
    // Its batch was checked when it was applied; the box's tag still finds damage.
    const unsigned = parseBatchSignedItemPayload(stored.payload);
    const keys = unsigned.ok ? keysOf(unsigned.value.epoch) : undefined;
    if (!unsigned.ok || keys === undefined)
      return err({ kind: "tampered", what: "event", id: stored.id });
    return openEventBodyBox(keys, vaultId, { id: stored.id, payload: unsigned.value.box }, null);
  }
  const parsed = parseSignedPayload(stored.payload);
  // A payload that does not parse is reported as the integrity failure it is.
  if (!parsed.ok) return openEvent(epochZero, vaultId, stored);
  const payload = parsed.value;
  const keys = keysOf(payload.epoch);
  // An event of an epoch whose key this device never held (it was revoked) is not its own.
  if (keys === undefined) return err({ kind: "tampered", what: "event", id: stored.id });
  const signingKey = signingKeyOf(payload.signer);
  const message = eventSignatureMessage(vaultId, stored.id, payload.unsigned);
  if (signingKey === undefined || !verifyDeviceSignature(signingKey, message, payload.signature))
    return err({ kind: "tampered", what: "event", id: stored.id });
  if (payload.kind !== "item") return ok(undefined);
  return openEvent(keys, vaultId, { id: stored.id, payload: payload.box }, SIGNED_EVENT_SCHEMA);
};
