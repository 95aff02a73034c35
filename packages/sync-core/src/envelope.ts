/**
 * Envelopes: what the server stores, orders and hashes. An envelope is an event id and an opaque
 * payload (the encrypted event); the server never sees more. The chain hashes the envelope bytes,
 * so the id is bound to its payload in the verified history.
 */

import { concatBytes } from "@keypears/base";
import type { EventId } from "./ids.ts";
import { uuidToBytes } from "./ids.ts";

export interface EventEnvelope {
  readonly id: EventId;
  readonly payload: Uint8Array;
}

const ENVELOPE_VERSION = 1;

/** The bytes of an envelope as chained: version (1 byte) || event id (16 bytes) || payload. */
export const envelopeBytes = (envelope: EventEnvelope): Uint8Array =>
  concatBytes(Uint8Array.of(ENVELOPE_VERSION), uuidToBytes(envelope.id), envelope.payload);
