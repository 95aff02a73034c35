import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex } from "@keypears/base";
import { fingerprintHash, fingerprintPosition } from "./fingerprint.ts";
import type { ChainHash } from "./hash-chain.ts";
import type { VaultId } from "./ids.ts";

test("the fingerprinted position is the verified one rounded down to its leading digit", () => {
  const cases = [
    [0, 0],
    [7, 7],
    [10, 10],
    [57, 50],
    [999, 900],
    [1234, 1000],
    [98_765, 90_000],
  ] as const;
  for (const [verified, position] of cases) assert.equal(fingerprintPosition(verified), position);
});

test("the fingerprint binds the vault, the position and the chain hash", () => {
  const vault = "0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e" as VaultId;
  const other = "0f1e2d3c-4b5a-4968-8778-695a4b3c2d1f" as VaultId;
  const hash = new Uint8Array(32).fill(7) as ChainHash;
  const forked = new Uint8Array(32).fill(8) as ChainHash;
  const base = bytesToHex(fingerprintHash(vault, { position: 50, hash }));
  assert.equal(bytesToHex(fingerprintHash(vault, { position: 50, hash })), base);
  assert.notEqual(bytesToHex(fingerprintHash(other, { position: 50, hash })), base);
  assert.notEqual(bytesToHex(fingerprintHash(vault, { position: 51, hash })), base);
  assert.notEqual(bytesToHex(fingerprintHash(vault, { position: 50, hash: forked })), base);
});
