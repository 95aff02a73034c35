/** Conversions between the API's wire form (base64url strings) and the core's bytes and checkpoints. */

import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import type {
  AppendedEvent,
  ChainHash,
  Checkpoint,
  EventEnvelope,
  EventId,
  StoredEvent,
} from "@keypears/sync-core";

export interface WireCheckpoint {
  readonly position: number;
  readonly hash: string;
}

export const checkpointFromWire = (wire: WireCheckpoint): Checkpoint => ({
  position: wire.position,
  hash: base64UrlToBytes(wire.hash) as ChainHash,
});

export const storedEventFromWire = (wire: {
  readonly id: string;
  readonly payload: string;
  readonly position: number;
  readonly chainHash: string;
}): StoredEvent => ({
  id: wire.id as EventId,
  payload: base64UrlToBytes(wire.payload),
  position: wire.position,
  chainHash: base64UrlToBytes(wire.chainHash) as ChainHash,
});

export const appendedEventFromWire = (wire: {
  readonly id: string;
  readonly position: number;
  readonly chainHash: string;
  readonly duplicate: boolean;
}): AppendedEvent => ({
  id: wire.id as EventId,
  position: wire.position,
  chainHash: base64UrlToBytes(wire.chainHash) as ChainHash,
  duplicate: wire.duplicate,
});

export const envelopeToWire = (envelope: EventEnvelope) => ({
  id: envelope.id,
  payload: bytesToBase64Url(envelope.payload),
});
