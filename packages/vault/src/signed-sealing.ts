/**
 * Sealing and signing what a version-2 device writes (docs/PROTOCOL.md 16.2): the box as in
 * version 1 with schema 2 in its associated data, inside a payload signed by the author device.
 * Pure functions of their inputs, so the protocol vectors are made by the same code.
 */

import { signAsDevice, type VaultKeys } from "@keypears/crypto";
import {
  attachSignature,
  type DeviceId,
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
import { sealEventBox, sealRosterBox } from "./sealing.ts";

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
