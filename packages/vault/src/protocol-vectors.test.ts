/**
 * The sealed-event vectors of the protocol specification (docs/protocol/vectors/
 * sealed-event.json): the vault seals each event to exactly the stated payload under the stated
 * nonce, and opens it back, so the document cannot drift from the code.
 */

import { bytesToHex, hexToBytes } from "@keypears/base";
import { deriveVaultKeys, type VaultKey } from "@keypears/crypto";
import type { EventId, VaultId } from "@keypears/sync-core";
import { eventFromJson, type EventJson, eventToJson } from "@keypears/sync-core/testing";
import assert from "node:assert/strict";
import { it } from "node:test";
import { openEvent, sealEvent } from "./index.ts";
import { loadVectors } from "./testing/vector-files.ts";

const { vectors: keyVectors } = loadVectors<{ vectors: { vaultKey: string; eventKey: string }[] }>(
  "key-derivation.json",
);
const sealed = loadVectors<{
  vaultId: string;
  eventKey: string;
  vectors: { event: EventJson; nonce: string; payload: string; padded: string }[];
}>("sealed-event.json");

const keys = deriveVaultKeys(hexToBytes(keyVectors[0]?.vaultKey ?? "") as VaultKey);

it("uses the event key of the key-derivation vector", () => {
  assert.equal(bytesToHex(keys.eventKey), sealed.eventKey);
});

for (const vector of sealed.vectors) {
  it(`seals the ${vector.event.op.kind} event to exactly its payload under its nonce, and opens it`, () => {
    const nonce = hexToBytes(vector.nonce);
    const payload = sealEvent(keys, eventFromJson(vector.event), (length) => {
      assert.equal(length, 24);
      return nonce.slice();
    });
    assert.equal(bytesToHex(payload), vector.payload);
    assert.equal(vector.padded.length % 64, 0, "padded to 32-byte blocks");
    const opened = openEvent(keys, sealed.vaultId as VaultId, {
      id: vector.event.id as EventId,
      payload: hexToBytes(vector.payload),
    });
    assert.ok(opened.ok);
    assert.equal(opened.value.id, vector.event.id);
    assert.deepEqual(eventToJson(opened.value).hlc, vector.event.hlc);
    // Under another event id (the associated data) the same payload does not open.
    const moved = openEvent(keys, sealed.vaultId as VaultId, {
      id: "0190a5c8-7e00-7000-8000-00000000ffff" as EventId,
      payload: hexToBytes(vector.payload),
    });
    assert.equal(moved.ok, false);
  });
}
