/**
 * The device roster (protocol version 2, docs/PROTOCOL.md 16.4): which devices may write to a
 * vault, with their public keys, as the result of the roster events in the vault's own log. This
 * module holds the roster events' canonical bytes and the rules for applying them, as pure
 * functions; the vault keeps the roster in its file and calls these rules on every event.
 */

import {
  asPlainBytes,
  bytesEqual,
  bytesToHex,
  err,
  hexToBytes,
  ok,
  type Result,
} from "@keypears/base";
import { decode, encode } from "cborg";
import type { DeviceId } from "./ids.ts";
import { isDeviceId } from "./ids.ts";

export const ROSTER_FORMAT_VERSION = 2;
export const MAX_DEVICE_NAME_LENGTH = 100;

export type RosterOp =
  | {
      readonly kind: "enrol";
      readonly deviceId: DeviceId;
      readonly name: string;
      readonly signingKey: Uint8Array;
      readonly exchangeKey: Uint8Array;
      /** When the device enrolled, by its own clock (Unix ms): shown, never trusted for order. */
      readonly at: number;
    }
  | { readonly kind: "rename"; readonly deviceId: DeviceId; readonly name: string }
  | { readonly kind: "revoke"; readonly deviceId: DeviceId }
  /**
   * The account's approval setting (16.10), signed by `deviceId`: while it is on, a device
   * enrols only when an existing one approves it, and a self-enrolment is a recovery.
   */
  | { readonly kind: "require-approval"; readonly deviceId: DeviceId; readonly required: boolean }
  | {
      /** Starts key epoch `epoch` (docs/PROTOCOL.md 16.7): its vault key, delivered to each device. */
      readonly kind: "rekey";
      readonly epoch: number;
      /**
       * `devices` (code 3): delivered to every active device. `credentials` (code 5, after new
       * credentials, `passwd --new-secret-key`): delivered to its signer only; every other device
       * gets the key from the copy wrapped under the new password and Secret Key, so a device
       * whose holder lacks them (a thief not yet revoked) never does.
       */
      readonly scope: RekeyScope;
      readonly deliveries: readonly RekeyDelivery[];
    };

export type RekeyScope = "devices" | "credentials";

export interface RekeyDelivery {
  readonly deviceId: DeviceId;
  /** The new epoch's vault key sealed for the device's X25519 key (`sealKeyDelivery`). */
  readonly box: Uint8Array;
}

/** An ephemeral X25519 key, then a sealed 32-byte key. */
const DELIVERY_LENGTH = 105;
/** More devices than any account has; bounds the work of one event. */
export const MAX_REKEY_DELIVERIES = 256;

/** The roster operations that name one device (all but `rekey`). */
export type DeviceRosterOp = Exclude<RosterOp, { readonly kind: "rekey" }>;

export interface RosterEntry {
  readonly deviceId: DeviceId;
  readonly name: string;
  readonly signingKey: Uint8Array;
  readonly exchangeKey: Uint8Array;
  /** The position of its enrolment event; null while this device's own enrolment is not yet ordered. */
  readonly enrolledAt: number | null;
  readonly enrolledAtMs: number;
  /** `self`: enrolled with the recovery kit (it signed its own enrolment); `approved`: by `approvedBy`. */
  readonly via: "self" | "approved";
  readonly approvedBy: DeviceId | null;
  readonly revokedAt: number | null;
}

const codes = {
  enrol: 0,
  rename: 1,
  revoke: 2,
  rekey: 3,
  "require-approval": 4,
  "credential-rekey": 5,
} as const;

const validName = (name: unknown): name is string =>
  typeof name === "string" &&
  name.length >= 1 &&
  name.length <= MAX_DEVICE_NAME_LENGTH &&
  // oxlint-disable-next-line no-control-regex
  !/[\u0000-\u001f\u007f]/.test(name);

export const encodeRosterOp = (op: RosterOp): Uint8Array => {
  if (op.kind === "rekey")
    return asPlainBytes(
      encode([
        ROSTER_FORMAT_VERSION,
        op.scope === "devices" ? codes.rekey : codes["credential-rekey"],
        op.epoch,
        op.deliveries.map((d) => [hexToBytes(d.deviceId), d.box]),
      ]),
    );
  const id = hexToBytes(op.deviceId);
  switch (op.kind) {
    case "enrol":
      return asPlainBytes(
        encode([
          ROSTER_FORMAT_VERSION,
          codes.enrol,
          id,
          op.name,
          op.signingKey,
          op.exchangeKey,
          op.at,
        ]),
      );
    case "rename":
      return asPlainBytes(encode([ROSTER_FORMAT_VERSION, codes.rename, id, op.name]));
    case "revoke":
      return asPlainBytes(encode([ROSTER_FORMAT_VERSION, codes.revoke, id]));
    case "require-approval":
      return asPlainBytes(
        encode([ROSTER_FORMAT_VERSION, codes["require-approval"], id, op.required]),
      );
  }
};

export type RosterDecodeError = { readonly kind: "invalid-roster-event"; readonly reason: string };

const bytesOf = (value: unknown, length: number): value is Uint8Array =>
  value instanceof Uint8Array && value.length === length;

/** Decodes a roster event; refuses any other encoding than the canonical one. */
export const decodeRosterOp = (bytes: Uint8Array): Result<RosterOp, RosterDecodeError> => {
  const fail = (reason: string) => err({ kind: "invalid-roster-event" as const, reason });
  let value: unknown;
  try {
    value = decode(bytes, { strict: true });
  } catch (error) {
    return fail(error instanceof Error ? error.message : "undecodable");
  }
  if (!Array.isArray(value) || value[0] !== ROSTER_FORMAT_VERSION) return fail("unknown format");
  if (value[1] === codes.rekey || value[1] === codes["credential-rekey"])
    return decodeRekey(value as unknown[], bytes);
  const [, code, idBytes, ...rest] = value as unknown[];
  if (!bytesOf(idBytes, 8)) return fail("bad device id");
  const deviceId = bytesToHex(idBytes);
  if (!isDeviceId(deviceId)) return fail("bad device id");
  let op: RosterOp;
  if (code === codes.enrol && rest.length === 4) {
    const [name, signingKey, exchangeKey, at] = rest;
    if (!validName(name)) return fail("bad device name");
    if (!bytesOf(signingKey, 32) || !bytesOf(exchangeKey, 32)) return fail("bad key");
    if (typeof at !== "number" || !Number.isSafeInteger(at) || at < 0) return fail("bad time");
    op = {
      kind: "enrol",
      deviceId,
      name,
      signingKey: asPlainBytes(signingKey),
      exchangeKey: asPlainBytes(exchangeKey),
      at,
    };
  } else if (code === codes.rename && rest.length === 1) {
    if (!validName(rest[0])) return fail("bad device name");
    op = { kind: "rename", deviceId, name: rest[0] };
  } else if (code === codes.revoke && rest.length === 0) {
    op = { kind: "revoke", deviceId };
  } else if (code === codes["require-approval"] && rest.length === 1) {
    if (typeof rest[0] !== "boolean") return fail("bad setting");
    op = { kind: "require-approval", deviceId, required: rest[0] };
  } else {
    return fail("unknown operation");
  }
  // One byte form per event: anything cborg would not write back the same way is refused.
  if (!bytesEqual(encodeRosterOp(op), bytes)) return fail("not canonical");
  return ok(op);
};

const decodeRekey = (
  value: readonly unknown[],
  bytes: Uint8Array,
): Result<RosterOp, RosterDecodeError> => {
  const fail = (reason: string) => err({ kind: "invalid-roster-event" as const, reason });
  const [, code, epoch, list, ...extra] = value;
  if (extra.length > 0 || !Array.isArray(list)) return fail("unknown operation");
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 1 || epoch > 0xffffffff)
    return fail("bad epoch");
  if (list.length === 0 || list.length > MAX_REKEY_DELIVERIES) return fail("bad deliveries");
  const deliveries: RekeyDelivery[] = [];
  const seen = new Set<string>();
  for (const item of list as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2) return fail("bad delivery");
    const [idBytes, box] = item as unknown[];
    if (!bytesOf(idBytes, 8) || !bytesOf(box, DELIVERY_LENGTH)) return fail("bad delivery");
    const deviceId = bytesToHex(idBytes);
    if (!isDeviceId(deviceId) || seen.has(deviceId)) return fail("bad delivery");
    seen.add(deviceId);
    deliveries.push({ deviceId, box: asPlainBytes(box) });
  }
  const scope = code === codes.rekey ? "devices" : "credentials";
  // A credential rekey is delivered to its signer alone (checked with the signer, 16.7).
  if (scope === "credentials" && deliveries.length !== 1) return fail("bad deliveries");
  const op: RosterOp = { kind: "rekey", epoch, scope, deliveries };
  if (!bytesEqual(encodeRosterOp(op), bytes)) return fail("not canonical");
  return ok(op);
};

/** A device's entry if it may write at `position`: enrolled before it, not revoked before it. */
export const activeAt = (
  entry: RosterEntry | undefined,
  position: number,
): RosterEntry | undefined => {
  if (entry === undefined || entry.enrolledAt === null || entry.enrolledAt >= position)
    return undefined;
  if (entry.revokedAt !== null && entry.revokedAt < position) return undefined;
  return entry;
};

/** Why a roster event breaks the rules of 16.4; `undefined` when it may be applied. */
export const rosterRuleBroken = (
  lookup: (id: DeviceId) => RosterEntry | undefined,
  op: RosterOp,
  signer: DeviceId,
  position: number,
): string | undefined => {
  if (op.kind === "rekey") {
    if (activeAt(lookup(signer), position) === undefined) return "signer not active";
    if (op.scope === "credentials" && op.deliveries[0]?.deviceId !== signer)
      return "a credential rekey is delivered to its signer only";
    return undefined;
  }
  const target = lookup(op.deviceId);
  if (op.kind === "enrol") {
    if (target !== undefined && target.enrolledAt !== null)
      return target.revokedAt === null ? "device already enrolled" : "device was revoked";
    if (signer === op.deviceId) return undefined;
    return activeAt(lookup(signer), position) === undefined ? "approver not active" : undefined;
  }
  if (activeAt(lookup(signer), position) === undefined) return "signer not active";
  if (op.kind === "require-approval")
    return op.deviceId === signer ? undefined : "setting not signed by its device";
  if (activeAt(target, position) === undefined) return "device not active";
  return undefined;
};

/** The entry after applying `op` (rules already checked); the approval setting changes none. */
export const applyRosterOp = (
  before: RosterEntry | undefined,
  op: DeviceRosterOp,
  signer: DeviceId,
  position: number,
): RosterEntry => {
  switch (op.kind) {
    case "enrol":
      return {
        deviceId: op.deviceId,
        name: op.name,
        signingKey: op.signingKey,
        exchangeKey: op.exchangeKey,
        enrolledAt: position,
        enrolledAtMs: op.at,
        via: signer === op.deviceId ? "self" : "approved",
        approvedBy: signer === op.deviceId ? null : signer,
        revokedAt: null,
      };
    case "rename":
      return { ...(before as RosterEntry), name: op.name };
    case "revoke":
      return { ...(before as RosterEntry), revokedAt: position };
    case "require-approval":
      return before as RosterEntry;
  }
};
