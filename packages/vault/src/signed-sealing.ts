/**
 * Sealing and signing what a version-2 device writes (docs/PROTOCOL.md 16.2): the box as in
 * version 1 with schema 2 in its associated data, inside a payload signed by the author device.
 * Pure functions of their inputs, so the protocol vectors are made by the same code.
 */

import { signAsDevice, type VaultKeys } from "@keypears/crypto";
import {
  attachSignature,
  batchSignedItemPayload,
  type Checkpoint,
  type DeviceId,
  envelopeBytes,
  type EventEnvelope,
  hashEvent,
  encodeRosterOp,
  type Event,
  type EventId,
  eventSignatureMessage,
  type RandomBytes,
  type RosterOp,
  type SignedKind,
  unsignedEventPayload,
  type VaultId,
} from "@keypears/sync-core";
import { sealBatchBox, sealEventBodyBox, sealEventBox, sealRosterBox } from "./sealing.ts";

export interface PayloadSigner {
  readonly deviceId: DeviceId;
  readonly signingSeed: Uint8Array;
  /** The key epoch of the vault key that seals the box (0 until key epochs exist). */
  readonly epoch: number;
}

export const signPayload = (
  signer: PayloadSigner,
  vaultId: VaultId,
  id: EventId,
  kind: SignedKind,
  box: Uint8Array,
): Uint8Array => {
  const unsigned = unsignedEventPayload(kind, signer.deviceId, signer.epoch, box);
  return attachSignature(
    unsigned,
    signAsDevice(signer.signingSeed, eventSignatureMessage(vaultId, id, unsigned)),
  );
};

export const sealSignedItemEvent = (
  keys: VaultKeys,
  signer: PayloadSigner,
  event: Event,
  random: RandomBytes,
): Uint8Array =>
  signPayload(
    signer,
    event.vaultId,
    event.id as EventId,
    "item",
    sealEventBox(keys, event, random),
  );

export const sealSignedRosterEvent = (
  keys: VaultKeys,
  signer: PayloadSigner,
  vaultId: VaultId,
  id: EventId,
  op: RosterOp,
  random: RandomBytes,
): Uint8Array =>
  signPayload(
    signer,
    vaultId,
    id,
    "roster",
    sealRosterBox(keys, vaultId, id, encodeRosterOp(op), random),
  );

/**
 * A signed batch event (docs/PROTOCOL.md 18.1) naming the events whose event hashes are `hashes`
 * (SHA-256 of their envelope bytes), with the author's `checkpoint`: what a push carries first.
 */
export const signBatch = (
  keys: VaultKeys,
  signer: PayloadSigner,
  vaultId: VaultId,
  batchId: EventId,
  checkpoint: Checkpoint | null,
  hashes: readonly Uint8Array[],
  random: RandomBytes,
): EventEnvelope => {
  const box = sealBatchBox(keys, vaultId, batchId, { checkpoint, hashes }, random);
  return { id: batchId, payload: signPayload(signer, vaultId, batchId, "batch", box) };
};

/**
 * An item event as protocol version 3 writes it at the edit (docs/PROTOCOL.md 18.1): an unsigned
 * payload naming its signer, event format 2 in a box bound to the vault and the event id. The batch
 * event that signs it is written before the push (`signBatch`).
 */
export const sealBatchSignedItemEvent = (
  keys: VaultKeys,
  signer: Omit<PayloadSigner, "signingSeed">,
  event: Event,
  random: RandomBytes,
): Uint8Array =>
  batchSignedItemPayload(signer.deviceId, signer.epoch, sealEventBodyBox(keys, event, random));

/**
 * Seals item events the way protocol version 3 writes them (docs/PROTOCOL.md 18.1): each one an
 * unsigned, batch-signed payload (event format 2), and one batch event (`signBatch`) naming every
 * one of them by its event hash. The batch goes first in the push.
 */
export const sealBatchSignedEvents = (
  keys: VaultKeys,
  signer: PayloadSigner,
  vaultId: VaultId,
  batchId: EventId,
  checkpoint: Checkpoint | null,
  events: readonly Event[],
  random: RandomBytes,
): { readonly batch: EventEnvelope; readonly items: readonly EventEnvelope[] } => {
  const items = events.map((event) => ({
    id: event.id,
    payload: sealBatchSignedItemEvent(keys, signer, event, random),
  }));
  const hashes = items.map((item) => hashEvent(envelopeBytes(item)));
  return {
    batch: signBatch(keys, signer, vaultId, batchId, checkpoint, hashes, random),
    items,
  };
};
