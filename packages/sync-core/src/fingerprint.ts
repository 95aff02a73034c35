/**
 * The vault fingerprint (docs/PROTOCOL.md 16.10): a hash of the chain at a checkpoint devices
 * that are close to each other share (the verified position rounded down to its leading digit:
 * 7, 40, 300, 5000, ...), so
 * two devices that show the same position and code hold the same history up to it. Users compare
 * it out of band; it catches a fork the chain alone cannot show (two devices kept apart).
 */

import { concatBytes, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Checkpoint } from "./hash-chain.ts";
import { uuidToBytes, type VaultId } from "./ids.ts";

/** The position a device with this verified position fingerprints: rounded down to its leading digit. */
export const fingerprintPosition = (verified: number): number => {
  if (verified < 10) return verified;
  const unit = 10 ** Math.floor(Math.log10(verified));
  return Math.floor(verified / unit) * unit;
};

const LABEL = utf8ToBytes("keypears/v2/fingerprint");

/** SHA-256("keypears/v2/fingerprint" || vaultId || uint64(position) || hash): the code is its prefix. */
export const fingerprintHash = (vaultId: VaultId, checkpoint: Checkpoint): Uint8Array => {
  const position = new Uint8Array(8);
  new DataView(position.buffer).setBigUint64(0, BigInt(checkpoint.position));
  return sha256(concatBytes(LABEL, uuidToBytes(vaultId), position, checkpoint.hash));
};
