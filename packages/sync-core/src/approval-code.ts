/**
 * The short approval code of a device (docs/PROTOCOL.md 16.10): six digits derived from the
 * device's public keys, shown by the new device and by the existing device that approves it.
 * When both show the same code, the keys the approver is about to sign into the roster are the
 * new device's own, not keys the server substituted.
 *
 *     code = uint32BE(SHA-256(UTF8("keypears/v2/approval") || vaultId (16) || deviceId (8)
 *                             || signingKey (32) || exchangeKey (32))[0..4]) mod 1,000,000
 *
 * shown as `123-456`. A server that wants its own keys approved must find keys whose code matches
 * the one the user reads: one chance in a million per attempt shown to the user, who sees each.
 */

import { concatBytes, hexToBytes, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { type DeviceId, uuidToBytes, type VaultId } from "./ids.ts";

const LABEL = utf8ToBytes("keypears/v2/approval");

export const approvalCode = (
  vaultId: VaultId,
  deviceId: DeviceId,
  signingKey: Uint8Array,
  exchangeKey: Uint8Array,
): string => {
  if (signingKey.length !== 32 || exchangeKey.length !== 32)
    throw new RangeError("approval code: expected 32-byte public keys");
  const hash = sha256(
    concatBytes(LABEL, uuidToBytes(vaultId), hexToBytes(deviceId), signingKey, exchangeKey),
  );
  const value = new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0) % 1_000_000;
  const digits = String(value).padStart(6, "0");
  return `${digits.slice(0, 3)}-${digits.slice(3)}`;
};

/** Whether what a user typed is the code (digits compared, spaces and dashes ignored). */
export const sameApprovalCode = (typed: string, code: string): boolean =>
  typed.replace(/[\s-]/g, "") === code.replace("-", "");
