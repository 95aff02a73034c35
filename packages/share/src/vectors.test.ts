/** The implementation still produces docs/protocol/vectors/sharing.json, and the shares in it open. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type Address, bytesToHex, hexToBytes } from "@keypears/base";
import { openShare, type ShareEnvelope } from "./envelope.ts";
import { identityFromSecrets } from "./identity.ts";
import { type KeyLogEntry, verifyKeyLog } from "./key-log.ts";
import { buildSharingVectors, CREATED_AT } from "./testing/vector-inputs.ts";

const file = JSON.parse(
  readFileSync(new URL("../../../docs/protocol/vectors/sharing.json", import.meta.url), "utf8"),
) as {
  alice: { log: KeyLogEntry[]; safetyNumber: string };
  bob: {
    secrets: { signing: string; x25519: string; xwing: string };
    log: KeyLogEntry[];
    safetyNumber: string;
  };
  shares: Record<string, ShareEnvelope>;
  content: unknown;
};

test("the generator's inputs give the stored vectors, byte for byte", () => {
  const built = buildSharingVectors();
  assert.deepEqual(built.alice.log, file.alice.log);
  assert.deepEqual(built.bob.log, file.bob.log);
  assert.equal(built.alice.safetyNumber, file.alice.safetyNumber);
  assert.equal(built.bob.safetyNumber, file.bob.safetyNumber);
  assert.deepEqual(built.shares, file.shares);
  assert.equal(bytesToHex(built.bob.secrets.xwing), file.bob.secrets.xwing);
});

test("every stored share opens with bob's stored seeds, under alice's stored log", () => {
  const bob = identityFromSecrets({
    signing: hexToBytes(file.bob.secrets.signing),
    x25519: hexToBytes(file.bob.secrets.x25519),
    xwing: hexToBytes(file.bob.secrets.xwing),
  });
  const alice = verifyKeyLog("alice@a.example" as Address, file.alice.log);
  assert.ok(alice.ok);
  assert.equal(Object.keys(file.shares).length, 2);
  for (const envelope of Object.values(file.shares)) {
    const opened = openShare({
      envelope,
      me: "bob@b.example" as Address,
      identity: bob,
      sender: alice.value,
      now: CREATED_AT + 1,
    });
    assert.ok(opened.ok, envelope.suite);
    assert.deepEqual(opened.value, file.content);
  }
});
