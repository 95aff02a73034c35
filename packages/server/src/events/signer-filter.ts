/**
 * The server's first filter on what a device writes (docs/PROTOCOL.md 16.8, 18.5): a pushed event
 * must be a well-formed version-2 signed payload (an item, roster or batch event) or a version-3
 * batch-signed item event, and an uploaded snapshot a version-2 signed snapshot, whose signer is
 * the device of the session that sends it. The server cannot check the signature against the roster (the roster
 * is sealed in the log), nor the signature at all without the device's key, so this is a filter
 * that keeps one session from writing garbage or writing in another device's name; devices
 * still verify every event themselves (16.2) and quarantine what fails.
 *
 * What it checks, and why that is enough for its purpose:
 * - the layout (version byte 2 or 3, known kind, long enough for a box and, in version 2, a
 *   signature): a random payload is refused, so it never reaches the other devices' quarantine;
 * - a version-1 payload (a bare box, first byte 1) is refused with the protocol-version message:
 *   only a version-1 client writes one, and version-2 devices quarantine it after the upgrade point;
 * - the signer is the session's device. A session exists only for a device of the account that is
 *   neither revoked nor waiting for approval, so a revoked or unknown signer is refused too, and a
 *   stolen session cannot write in the name of another device.
 *
 * The restore route (a server that lost data, 10.5) is not filtered: it re-uploads history that
 * other devices (some revoked since) signed, and accepts only events that reproduce the chain the
 * uploading device already verified.
 */

import { PROTOCOL_VERSION, protocolMismatchMessage } from "@keypears/api";
import {
  BATCH_SIGNED_PAYLOAD_VERSION,
  type DeviceId,
  type EventEnvelope,
  parseBatchSignedItemPayload,
  parseSignedPayload,
  parseSignedSnapshot,
  payloadVersion,
} from "@keypears/sync-core";
import type { Session } from "../accounts/sessions.ts";
import { apiError } from "../http/api-error.ts";

export type SignerRefusal =
  | { readonly kind: "version-1" }
  | { readonly kind: "malformed"; readonly detail: string }
  | { readonly kind: "wrong-signer"; readonly signer: DeviceId };

/** Why `payload` may not be written by `device`, or `undefined` when it may. */
export const eventSignerRefusal = (
  payload: Uint8Array,
  device: DeviceId,
): SignerRefusal | undefined => {
  if (payloadVersion(payload) === 1) return { kind: "version-1" };
  // An item event of protocol version 3 (18.1): unsigned, naming its signer, whose batch event
  // (a signed payload of kind 3, below) signs it; devices check that cover, the server cannot.
  const parsed =
    payloadVersion(payload) === BATCH_SIGNED_PAYLOAD_VERSION
      ? parseBatchSignedItemPayload(payload)
      : parseSignedPayload(payload);
  if (!parsed.ok) return { kind: "malformed", detail: parsed.error.detail };
  return parsed.value.signer === device
    ? undefined
    : { kind: "wrong-signer", signer: parsed.value.signer };
};

export const snapshotSignerRefusal = (
  payload: Uint8Array,
  device: DeviceId,
): SignerRefusal | undefined => {
  if (payloadVersion(payload) === 1) return { kind: "version-1" };
  const parsed = parseSignedSnapshot(payload);
  if (!parsed.ok) return { kind: "malformed", detail: parsed.error.detail };
  return parsed.value.signer === device
    ? undefined
    : { kind: "wrong-signer", signer: parsed.value.signer };
};

const refusalError = (refusal: SignerRefusal, what: string, id: string | undefined) => {
  const named = id === undefined ? {} : { id };
  switch (refusal.kind) {
    case "version-1":
      return apiError("PROTOCOL_MISMATCH", {
        message: `${what} is a version-1 (unsigned) payload. ${protocolMismatchMessage("server", 1, PROTOCOL_VERSION)} Nothing was stored.`,
        data: { server: PROTOCOL_VERSION, client: 1, ...named },
      });
    case "malformed":
      return apiError("UNSIGNED_PAYLOAD", {
        message: `${what} is not a well-formed signed payload (${refusal.detail}); nothing was stored.`,
        data: { detail: refusal.detail, ...named },
      });
    case "wrong-signer":
      return apiError("WRONG_SIGNER", {
        message: `${what} is signed by device ${refusal.signer}, not by this session's device; nothing was stored.`,
        data: { signer: refusal.signer, ...named },
      });
  }
};

/** Throws the API error for the first event of the batch the session's device may not write. */
export const requireOwnSignedEvents = (
  session: Session,
  events: readonly EventEnvelope[],
): void => {
  for (const event of events) {
    const refusal = eventSignerRefusal(event.payload, session.deviceId);
    if (refusal !== undefined) throw refusalError(refusal, `Event ${event.id}`, event.id);
  }
};

/** Throws the API error when the snapshot is not one the session's device signed. */
export const requireOwnSignedSnapshot = (session: Session, payload: Uint8Array): void => {
  const refusal = snapshotSignerRefusal(payload, session.deviceId);
  if (refusal !== undefined) throw refusalError(refusal, "The snapshot", undefined);
};
