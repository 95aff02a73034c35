/**
 * Vault snapshots: every item's merge state as of a verified chain checkpoint, compressed and
 * sealed under the vault key with the checkpoint in the associated data, so a server can store
 * one but neither read nor forge it, nor pass it off as another position's. A new device starts
 * from a snapshot plus the events after it, without replaying the log; every write ever made is
 * in the item states, so the full history comes with it.
 */

import { asPlainBytes, bytesToHex, err, hexToBytes, ok, type Result } from "@keypears/base";
import {
  associatedData,
  open,
  seal,
  signAsDevice,
  verifyDeviceSignature,
  type VaultKeys,
} from "@keypears/crypto";
import {
  activeAt,
  attachSignature,
  type ChainHash,
  type Checkpoint,
  decodeItemState,
  type DeviceId,
  isDeviceId,
  type ItemState,
  parseSignedSnapshot,
  payloadVersion,
  type RandomBytes,
  type RosterEntry,
  snapshotSignatureMessage,
  unsignedSnapshotPayload,
  type VaultId,
} from "@keypears/sync-core";
import { decode, encode } from "cborg";
import { type Compression, fflateCompression } from "./compression.ts";

const SNAPSHOT_FORMAT = 1;
/**
 * Signed snapshots that carry the roster (docs/PROTOCOL.md 16.6): still read, and written only by
 * a device that does not know the approval setting.
 */
const ROSTER_SNAPSHOT_FORMAT = 2;
/** Signed snapshots that carry the roster and the approval setting (16.6, 16.10). */
export const SIGNED_SNAPSHOT_FORMAT = 3;
/** A snapshot inflates to at most this much; more is refused (a zip bomb, or not ours). */
export const MAX_SNAPSHOT_PLAINTEXT = 512 * 1024 * 1024;

export type SnapshotError =
  | { readonly kind: "tampered"; readonly what: "snapshot"; readonly id: string }
  | { readonly kind: "invalid-snapshot"; readonly reason: string };

const snapshotAd = (vaultId: VaultId, checkpoint: Checkpoint) =>
  associatedData("snapshot", vaultId, checkpoint.position, bytesToHex(checkpoint.hash));

/** A version-1 snapshot: made only while the vault has no roster yet (before its upgrade point). */
export const sealSnapshot = (
  keys: VaultKeys,
  vaultId: VaultId,
  checkpoint: Checkpoint,
  states: readonly Uint8Array[],
  random: RandomBytes,
  compression: Compression = fflateCompression,
): Uint8Array => {
  const plain = encode([SNAPSHOT_FORMAT, states]);
  return seal(keys.eventKey, compression.deflate(plain), snapshotAd(vaultId, checkpoint), random);
};

/**
 * The approval setting as of a snapshot's position (16.10): the last approval-setting roster
 * event at or before it, `null` if the log had none, or `unknown` for a format-2 snapshot, which
 * was written before snapshots carried it (and says nothing either way).
 */
export type SnapshotApproval =
  | {
      readonly required: boolean;
      readonly position: number;
      readonly setBy: DeviceId;
    }
  | null
  | "unknown";

/** Who signs a snapshot: this device, with its signing seed. */
export interface SnapshotSigner {
  readonly deviceId: DeviceId;
  readonly signingSeed: Uint8Array;
  readonly epoch: number;
}

const encodeEntry = (e: RosterEntry): unknown[] => [
  hexToBytes(e.deviceId),
  e.name,
  e.signingKey,
  e.exchangeKey,
  e.enrolledAt,
  e.enrolledAtMs,
  e.via === "self" ? 0 : 1,
  e.approvedBy === null ? null : hexToBytes(e.approvedBy),
  e.revokedAt,
];

const deviceIdOf = (value: unknown): DeviceId | undefined => {
  if (!(value instanceof Uint8Array) || value.length !== 8) return undefined;
  const id = bytesToHex(value);
  return isDeviceId(id) ? id : undefined;
};

const position = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

const decodeEntry = (value: unknown): RosterEntry | undefined => {
  if (!Array.isArray(value) || value.length !== 9) return undefined;
  const [id, name, signingKey, exchangeKey, enrolledAt, enrolledAtMs, via, approvedBy, revokedAt] =
    value as unknown[];
  const deviceId = deviceIdOf(id);
  if (deviceId === undefined || typeof name !== "string") return undefined;
  if (!(signingKey instanceof Uint8Array) || signingKey.length !== 32) return undefined;
  if (!(exchangeKey instanceof Uint8Array) || exchangeKey.length !== 32) return undefined;
  if (!position(enrolledAt) || !position(enrolledAtMs) || (via !== 0 && via !== 1))
    return undefined;
  if (revokedAt !== null && !position(revokedAt)) return undefined;
  const approver = approvedBy === null ? null : deviceIdOf(approvedBy);
  if (approver === undefined) return undefined;
  return {
    deviceId,
    name,
    signingKey: asPlainBytes(signingKey),
    exchangeKey: asPlainBytes(exchangeKey),
    enrolledAt,
    enrolledAtMs,
    via: via === 0 ? "self" : "approved",
    approvedBy: approver,
    revokedAt,
  };
};

/** The plaintext of a signed snapshot before compression (format 3; format 2 when `unknown`). */
export const signedSnapshotPlaintext = (
  states: readonly Uint8Array[],
  roster: readonly RosterEntry[],
  approval: SnapshotApproval,
): Uint8Array =>
  asPlainBytes(
    approval === "unknown"
      ? encode([ROSTER_SNAPSHOT_FORMAT, states, roster.map(encodeEntry)])
      : encode([
          SIGNED_SNAPSHOT_FORMAT,
          states,
          roster.map(encodeEntry),
          approval === null
            ? null
            : [approval.required, approval.position, hexToBytes(approval.setBy)],
        ]),
  );

/**
 * A version-2 snapshot: item states, the roster and the approval setting as of `checkpoint`,
 * signed by `signer`. A device that does not know the setting (it started from a format-2
 * snapshot and the log has not set it since) writes format 2 rather than claim one.
 */
export const sealSignedSnapshot = (
  keys: VaultKeys,
  vaultId: VaultId,
  checkpoint: Checkpoint,
  states: readonly Uint8Array[],
  roster: readonly RosterEntry[],
  approval: SnapshotApproval,
  signer: SnapshotSigner,
  random: RandomBytes,
  compression: Compression = fflateCompression,
): Uint8Array => {
  const plain = signedSnapshotPlaintext(states, roster, approval);
  const box = seal(
    keys.eventKey,
    compression.deflate(plain),
    snapshotAd(vaultId, checkpoint),
    random,
  );
  const unsigned = unsignedSnapshotPayload(signer.deviceId, signer.epoch, box);
  return attachSignature(
    unsigned,
    signAsDevice(signer.signingSeed, snapshotSignatureMessage(vaultId, checkpoint, unsigned)),
  );
};

export interface OpenedSnapshot {
  readonly states: readonly ItemState[];
  /**
   * Each state's bytes as the snapshot holds them, by index. They decoded canonically, so they are
   * the state's own encoding (`encodeItemState`), and an import seals them without encoding again.
   */
  readonly encoded: readonly Uint8Array[];
  /** Empty for a version-1 snapshot (a vault before its upgrade point). */
  readonly roster: readonly RosterEntry[];
  /** The key epoch that sealed it (0 for a version-1 snapshot). */
  readonly epoch: number;
  /** `null` for a version-1 snapshot (no roster event yet); `unknown` for a format-2 one. */
  readonly approval: SnapshotApproval;
}

/**
 * Opens a snapshot that claims to be of `checkpoint`, and decodes every item state in it. A
 * version-2 snapshot must be signed by a device active in the roster it carries.
 */
export const openSnapshot = (
  /** The keys of epoch 0, or the keys of each epoch this device holds (16.7). */
  keys: VaultKeys | ((epoch: number) => VaultKeys | undefined),
  vaultId: VaultId,
  checkpoint: Checkpoint,
  payload: Uint8Array,
  compression: Compression = fflateCompression,
): Result<OpenedSnapshot, SnapshotError> => {
  const tampered = err({
    kind: "tampered" as const,
    what: "snapshot" as const,
    id: `${vaultId}@${checkpoint.position}`,
  });
  const signed = payloadVersion(payload) === 2;
  const keysOf = typeof keys === "function" ? keys : (e: number) => (e === 0 ? keys : undefined);
  let epoch = 0;
  let box = payload;
  let signature: { signer: DeviceId; unsigned: Uint8Array; signature: Uint8Array } | undefined;
  if (signed) {
    const parsed = parseSignedSnapshot(payload);
    if (!parsed.ok) return tampered;
    epoch = parsed.value.epoch;
    box = parsed.value.box;
    signature = parsed.value;
  }
  const epochKeys = keysOf(epoch);
  if (epochKeys === undefined)
    return err({ kind: "invalid-snapshot", reason: `unknown key epoch ${epoch}` });
  const opened = open(epochKeys.eventKey, box, snapshotAd(vaultId, checkpoint));
  if (!opened.ok) return tampered;
  let states: unknown;
  let rosterList: unknown = [];
  /** Format 3's approval field, as decoded. */
  let carried: { readonly value: unknown } | undefined;
  try {
    const decoded = decode(
      asPlainBytes(compression.inflate(opened.value, MAX_SNAPSHOT_PLAINTEXT)),
      {
        strict: true,
      },
    ) as unknown[];
    const [format, list, roster, approval] = decoded;
    // Signed: format 3 (with the approval setting), or format 2 as stored before it (16.6).
    const length = !signed
      ? format === SNAPSHOT_FORMAT
        ? 2
        : undefined
      : format === SIGNED_SNAPSHOT_FORMAT
        ? 4
        : format === ROSTER_SNAPSHOT_FORMAT
          ? 3
          : undefined;
    if (
      length === undefined ||
      decoded.length !== length ||
      !Array.isArray(list) ||
      (signed && !Array.isArray(roster))
    )
      return err({ kind: "invalid-snapshot", reason: "unknown format" });
    states = list;
    if (signed) rosterList = roster;
    if (length === 4) carried = { value: approval };
  } catch (error) {
    return err({
      kind: "invalid-snapshot",
      reason: error instanceof Error ? error.message : "undecodable",
    });
  }
  const roster: RosterEntry[] = [];
  for (const value of rosterList as unknown[]) {
    const entry = decodeEntry(value);
    if (entry === undefined)
      return err({ kind: "invalid-snapshot", reason: "a roster entry is malformed" });
    roster.push(entry);
  }
  if (signature !== undefined) {
    const signer = activeAt(
      roster.find((e) => e.deviceId === signature.signer),
      checkpoint.position + 1,
    );
    if (
      signer === undefined ||
      !verifyDeviceSignature(
        signer.signingKey,
        snapshotSignatureMessage(vaultId, checkpoint, signature.unsigned),
        signature.signature,
      )
    )
      return err({ kind: "invalid-snapshot", reason: "not signed by a device of its roster" });
  }
  // A version-1 snapshot is of a log before its upgrade point, which holds no roster event and so
  // no setting; a format-2 one says nothing of it.
  const approval =
    carried === undefined
      ? signed
        ? "unknown"
        : null
      : decodeApproval(carried.value, roster, checkpoint.position);
  if (approval === undefined)
    return err({ kind: "invalid-snapshot", reason: "the approval setting is malformed" });
  const out: ItemState[] = [];
  const encoded: Uint8Array[] = [];
  for (const value of states as unknown[]) {
    if (!(value instanceof Uint8Array))
      return err({ kind: "invalid-snapshot", reason: "an item state is not bytes" });
    const bytes = asPlainBytes(value);
    const state = decodeItemState(bytes);
    if (!state.ok) return err({ kind: "invalid-snapshot", reason: state.error.reason });
    out.push(state.value);
    encoded.push(bytes);
  }
  return ok({ states: out, encoded, roster, epoch, approval });
};

/**
 * The approval setting of a format-3 snapshot: null, or set at a position up to the snapshot's by
 * a device its roster shows active there (the rule of 16.4); `undefined` if it is not.
 */
const decodeApproval = (
  value: unknown,
  roster: readonly RosterEntry[],
  at: number,
): Exclude<SnapshotApproval, "unknown"> | undefined => {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [required, setAt, setByBytes] = value as unknown[];
  const setBy = deviceIdOf(setByBytes);
  if (typeof required !== "boolean" || !position(setAt) || setAt < 1 || setAt > at)
    return undefined;
  if (setBy === undefined) return undefined;
  const signer = roster.find((e) => e.deviceId === setBy);
  if (activeAt(signer, setAt) === undefined) return undefined;
  return { required, position: setAt, setBy };
};

export type { ChainHash };
