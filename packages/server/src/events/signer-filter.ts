/**
 * The server's first filter on what a device writes (docs/PROTOCOL.md 16.8): a pushed event or an
 * uploaded snapshot must be a well-formed version-2 signed payload whose signer is the device of
 * the session that sends it. The server cannot check the signature against the roster (the roster
 * is sealed in the log), nor the signature at all without the device's key, so this is a filter
 * that keeps one session from writing garbage or writing in another device's name; devices
 * still verify every event themselves (16.2) and quarantine what fails.
 *
 * What it checks, and why that is enough for its purpose:
 * - the layout (version byte 2, known kind, long enough for a box and a signature): a random
 *   payload is refused, so it never reaches the other devices' quarantine;
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
  type DeviceId,
  type EventEnvelope,
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
  const parsed = parseSignedPayload(payload);
  if (!parsed.ok) return { kind: "malformed", detail: parsed.error.detail };
  // Batch events belong to protocol version 3 (docs/PROTOCOL.md 18), which this server does not
  // speak yet: no version-2 device writes one.
  if (parsed.value.kind === "batch")
    return { kind: "malformed", detail: "a batch event (protocol version 3)" };
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
