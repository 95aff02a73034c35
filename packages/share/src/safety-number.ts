/**
 * Safety numbers (Signal's idea): a short code two people read to each other to check that the
 * keys their clients hold are the real ones. One account's number is derived from its address
 * and current keys, so it changes when they rotate; 60 digits in 12 groups of 5.
 */

import type { Address } from "@keypears/base";
import { associatedData } from "@keypears/crypto";
import { sha512 } from "@noble/hashes/sha2.js";
import type { IdentityPublicKeys } from "./identity.ts";

export const safetyNumber = (address: Address, keys: IdentityPublicKeys): string => {
  const digest = sha512(
    associatedData("safety-number", address, keys.signing, keys.x25519, keys.xwing),
  );
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    // 5 bytes per group, reduced to 5 digits (bias < 1e-7).
    let value = 0;
    for (let j = 0; j < 5; j++) value = value * 256 + (digest[i * 5 + j] as number);
    groups.push(String(value % 100_000).padStart(5, "0"));
  }
  return groups.join(" ");
};
