/** The key log: signatures and links verify; tampering, rewinding and forking are caught. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { type Address, systemRandomBytes } from "@keypears/base";
import fc from "fast-check";
import { generateIdentity } from "./identity.ts";
import { appendKeyLogEntry, type KeyLogEntry, verifyKeyLog } from "./key-log.ts";

const ALICE = "alice@a.example" as Address;
const first = generateIdentity(systemRandomBytes);
const second = generateIdentity(systemRandomBytes);
const third = generateIdentity(systemRandomBytes);
const e0 = appendKeyLogEntry(ALICE, [], first, first.publicKeys, 1000);
const e1 = appendKeyLogEntry(ALICE, [e0], first, second.publicKeys, 2000);
const e2 = appendKeyLogEntry(ALICE, [e0, e1], second, third.publicKeys, 3000);
const log = [e0, e1, e2];

test("a log with rotations verifies; its keys are the last entry's", () => {
  const verified = verifyKeyLog(ALICE, log);
  assert.ok(verified.ok);
  assert.deepEqual(verified.value.keys, third.publicKeys);
  assert.equal(verified.value.length, 3);
  assert.equal(verified.value.signingKeys.length, 3);
});

test("a log extending the pinned one is accepted; a rewound or forked one is not", () => {
  const pinned = verifyKeyLog(ALICE, [e0, e1]);
  assert.ok(pinned.ok);
  const pin = { length: pinned.value.length, head: pinned.value.head };
  assert.ok(verifyKeyLog(ALICE, log, pin).ok);
  assert.deepEqual(verifyKeyLog(ALICE, [e0], pin), {
    ok: false,
    error: { kind: "key-log-changed", address: ALICE, how: "rewound" },
  });
  // The server makes a new identity and signs a whole new log with it: a substitution.
  const impostor = generateIdentity(systemRandomBytes);
  const forged0 = appendKeyLogEntry(ALICE, [], impostor, impostor.publicKeys, 1000);
  const forged1 = appendKeyLogEntry(ALICE, [forged0], impostor, impostor.publicKeys, 2000);
  assert.deepEqual(verifyKeyLog(ALICE, [forged0, forged1], pin), {
    ok: false,
    error: { kind: "key-log-changed", address: ALICE, how: "forked" },
  });
});

test("an entry not signed by the previous key is refused", () => {
  const impostor = generateIdentity(systemRandomBytes);
  const bad = appendKeyLogEntry(ALICE, [e0], impostor, impostor.publicKeys, 2000);
  const result = verifyKeyLog(ALICE, [e0, bad]);
  assert.equal(result.ok, false);
  assert.match(JSON.stringify(result), /signature of entry 1 does not verify/);
});

test("a log is bound to its address", () => {
  const result = verifyKeyLog("mallory@a.example" as Address, log);
  assert.equal(result.ok, false);
});

test("any change to any field of any entry is caught (property)", () => {
  const seed = Date.now() % 2 ** 31;
  console.log(`# fast-check seed ${seed}`);
  const fields = ["seq", "prev", "createdAt", "signing", "x25519", "xwing", "signature"] as const;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.constantFrom(...fields),
      fc.nat(),
      (index, field, salt) => {
        const entry = log[index] as KeyLogEntry;
        const value = entry[field];
        const changed =
          typeof value === "number"
            ? value + 1 + (salt % 5)
            : value === ""
              ? "00".repeat(32)
              : value.slice(0, -2) + (value.endsWith("AA") ? "AB" : "AA");
        const tampered = log.map((e, i) => (i === index ? { ...e, [field]: changed } : e));
        return !verifyKeyLog(ALICE, tampered).ok;
      },
    ),
    { seed, numRuns: 60, endOnFailure: true },
  );
});
