/**
 * Signed payloads (protocol version 2, docs/PROTOCOL.md 16.2 and 16.6): the layout of what a
 * version-2 device writes, and the exact bytes its Ed25519 signature covers. No cryptography here:
 * the vault signs and verifies; the server parses the same layout for its first filter.
 *
 *     unsigned = 0x02 || kind (1) || signer (8) || epoch (uint32 BE) || box
 *     payload  = unsigned || signature (64)
 *
 * A version-1 payload is a bare sealed box, whose first byte is 0x01.
 */

import { bytesToHex, concatBytes, err, hexToBytes, ok, type Result } from "@keypears/base";
import type { Checkpoint } from "./hash-chain.ts";
import { type DeviceId, type EventId, isDeviceId, uuidToBytes, type VaultId } from "./ids.ts";

export const SIGNED_PAYLOAD_VERSION = 2;
export const SIGNATURE_LENGTH = 64;
/** The smallest sealed box: version, nonce, tag. */
const MIN_BOX = 41;
const EVENT_HEADER = 1 + 1 + 8 + 4;
const SNAPSHOT_HEADER = 1 + 8 + 4;

/**
 * `batch` (code 3) is the batch event of protocol version 3 (docs/PROTOCOL.md 18.1): it signs the
 * hashes of the item events that follow it in its push.
 */
export type SignedKind = "item" | "roster" | "batch";
const kindCode: Readonly<Record<SignedKind, number>> = { item: 1, roster: 2, batch: 3 };
const kindByCode: Readonly<Record<number, SignedKind>> = { 1: "item", 2: "roster", 3: "batch" };

export interface SignedPayload {
  readonly kind: SignedKind;
  readonly signer: DeviceId;
  readonly epoch: number;
  readonly box: Uint8Array;
  /** Everything but the signature: what the signature covers, after its context. */
  readonly unsigned: Uint8Array;
  readonly signature: Uint8Array;
}

/** The payload's format version: 1 (a bare sealed box) or 2 (signed); anything else is unknown. */
export const payloadVersion = (payload: Uint8Array): number => payload[0] ?? 0;

const uint32 = (value: number): Uint8Array => {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`epoch out of range: ${value}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
};

const readUint32 = (bytes: Uint8Array, offset: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);

/** The first byte of an item payload signed by its batch instead of by itself (18.1). */
export const BATCH_SIGNED_PAYLOAD_VERSION = 3;

/** An item event's payload whose signature is its batch's (18.1): signer, key epoch, box. */
export interface BatchSignedPayload {
  readonly signer: DeviceId;
  readonly epoch: number;
  readonly box: Uint8Array;
}

/** `0x03 || 0x01 || signer (8) || epoch (uint32 BE) || box`: the header of 16.2 without a signature. */
export const batchSignedItemPayload = (
  signer: DeviceId,
  epoch: number,
  box: Uint8Array,
): Uint8Array =>
  concatBytes(
    Uint8Array.of(BATCH_SIGNED_PAYLOAD_VERSION, kindCode.item),
    hexToBytes(signer),
    uint32(epoch),
    box,
  );

/** Splits a batch-signed item payload into its parts; checks the layout only. */
export const parseBatchSignedItemPayload = (
  payload: Uint8Array,
): Result<BatchSignedPayload, PayloadParseError> => {
  if (payload[0] !== BATCH_SIGNED_PAYLOAD_VERSION)
    return err({ reason: "malformed", detail: "not a version-3 payload" });
  if (payload.length < EVENT_HEADER + MIN_BOX)
    return err({ reason: "malformed", detail: "too short" });
  if (payload[1] !== kindCode.item)
    return err({ reason: "malformed", detail: `unknown kind ${String(payload[1])}` });
  const signer = bytesToHex(payload.subarray(2, 10));
  if (!isDeviceId(signer)) return err({ reason: "malformed", detail: "bad signer" });
  return ok({ signer, epoch: readUint32(payload, 10), box: payload.slice(EVENT_HEADER) });
};

export const unsignedEventPayload = (
  kind: SignedKind,
  signer: DeviceId,
  epoch: number,
  box: Uint8Array,
): Uint8Array =>
  concatBytes(
    Uint8Array.of(SIGNED_PAYLOAD_VERSION, kindCode[kind]),
    hexToBytes(signer),
    uint32(epoch),
    box,
  );

const encoder = new TextEncoder();
const EVENT_SIGNATURE_CONTEXT = encoder.encode("keypears/v2/event-signature\u0000");
const SNAPSHOT_SIGNATURE_CONTEXT = encoder.encode("keypears/v2/snapshot-signature\u0000");

/** The bytes an event's signature covers: context, vault id, event id, then the unsigned payload. */
export const eventSignatureMessage = (
  vaultId: VaultId,
  eventId: EventId,
  unsigned: Uint8Array,
): Uint8Array =>
  concatBytes(EVENT_SIGNATURE_CONTEXT, uuidToBytes(vaultId), uuidToBytes(eventId), unsigned);

export const attachSignature = (unsigned: Uint8Array, signature: Uint8Array): Uint8Array => {
  if (signature.length !== SIGNATURE_LENGTH) throw new RangeError("a signature is 64 bytes");
  return concatBytes(unsigned, signature);
};

export type PayloadParseError = { readonly reason: "malformed"; readonly detail: string };

/** Splits a version-2 event payload into its parts; checks the layout only, not the signature. */
export const parseSignedPayload = (
  payload: Uint8Array,
): Result<SignedPayload, PayloadParseError> => {
  if (payload[0] !== SIGNED_PAYLOAD_VERSION)
    return err({ reason: "malformed", detail: "not a version-2 payload" });
  if (payload.length < EVENT_HEADER + MIN_BOX + SIGNATURE_LENGTH)
    return err({ reason: "malformed", detail: "too short" });
  const code = payload[1];
  const kind: SignedKind | undefined = code === undefined ? undefined : kindByCode[code];
  if (kind === undefined) return err({ reason: "malformed", detail: `unknown kind ${code}` });
  const split = payload.length - SIGNATURE_LENGTH;
  return ok({
    kind,
    signer: bytesToHex(payload.subarray(2, 10)) as DeviceId,
    epoch: readUint32(payload, 10),
    box: payload.slice(EVENT_HEADER, split),
    unsigned: payload.slice(0, split),
    signature: payload.slice(split),
  });
};

/** Snapshots: `0x02 || signer (8) || epoch (uint32) || box`, then the signature. */
export const unsignedSnapshotPayload = (
  signer: DeviceId,
  epoch: number,
  box: Uint8Array,
): Uint8Array =>
  concatBytes(Uint8Array.of(SIGNED_PAYLOAD_VERSION), hexToBytes(signer), uint32(epoch), box);

export const snapshotSignatureMessage = (
  vaultId: VaultId,
  checkpoint: Checkpoint,
  unsigned: Uint8Array,
): Uint8Array => {
  const position = new Uint8Array(8);
  new DataView(position.buffer).setBigUint64(0, BigInt(checkpoint.position));
  return concatBytes(
    SNAPSHOT_SIGNATURE_CONTEXT,
    uuidToBytes(vaultId),
    position,
    checkpoint.hash,
    unsigned,
  );
};

export interface SignedSnapshot {
  readonly signer: DeviceId;
  readonly epoch: number;
  readonly box: Uint8Array;
  readonly unsigned: Uint8Array;
  readonly signature: Uint8Array;
}

export const parseSignedSnapshot = (
  payload: Uint8Array,
): Result<SignedSnapshot, PayloadParseError> => {
  if (payload[0] !== SIGNED_PAYLOAD_VERSION)
    return err({ reason: "malformed", detail: "not a version-2 snapshot" });
  if (payload.length < SNAPSHOT_HEADER + MIN_BOX + SIGNATURE_LENGTH)
    return err({ reason: "malformed", detail: "too short" });
  const split = payload.length - SIGNATURE_LENGTH;
  const signer = bytesToHex(payload.subarray(1, 9));
  if (!isDeviceId(signer)) return err({ reason: "malformed", detail: "bad signer" });
  return ok({
    signer,
    epoch: readUint32(payload, 9),
    box: payload.slice(SNAPSHOT_HEADER, split),
    unsigned: payload.slice(0, split),
    signature: payload.slice(split),
  });
};
