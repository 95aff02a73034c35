/**
 * The version-3 vectors of the protocol specification (docs/protocol/vectors/batch-signed-event.json):
 * the vault seals an item event as a batch-signed payload (event format 2) and signs the batch
 * event that names it to exactly the stated bytes; the stated signature verifies, and both open
 * back to what was sealed, so the document cannot drift from the code.
 */

import assert from "node:assert/strict";
import { it } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import { associatedData, deviceKeyPairsFromSecrets, verifyDeviceSignature } from "@keypears/crypto";
import {
  type ChainHash,
  decodeBatch,
  type DeviceId,
  encodeBatch,
  encodeEventBody,
  envelopeBytes,
  type EventId,
  hashEvent,
  parseBatchSignedItemPayload,
  parseSignedPayload,
  type VaultId,
} from "@keypears/sync-core";
import { eventFromJson, type EventJson } from "@keypears/sync-core/testing";
import { BATCH_SIGNED_SCHEMA, openBatchBox, openEventBodyBox } from "./sealing.ts";
import { sealBatchSignedItemEvent, signBatch } from "./signed-sealing.ts";
import { loadVectors, vectorVaultKeys } from "./testing/vector-files.ts";

const vectors = loadVectors<{
  vaultId: string;
  deviceId: string;
  item: {
    event: EventJson;
    eventBytes: string;
    nonce: string;
    associatedData: string;
    payload: string;
    eventHash: string;
  };
  batch: {
    id: string;
    checkpoint: { position: number; hash: string };
    plain: string;
    nonce: string;
    associatedData: string;
    unsigned: string;
    signatureMessage: string;
    signature: string;
    payload: string;
  };
}>("batch-signed-event.json");
const signedVectors = loadVectors<{ device: Record<"signingSeed" | "exchangeSecret", string> }>(
  "signed-event.json",
);
const keys = vectorVaultKeys();
const device = deviceKeyPairsFromSecrets(
  hexToBytes(signedVectors.device.signingSeed),
  hexToBytes(signedVectors.device.exchangeSecret),
);
const vaultId = vectors.vaultId as VaultId;
const signer = {
  deviceId: vectors.deviceId as DeviceId,
  signingSeed: device.signingSeed,
  epoch: 0,
};
const nonce = (hex: string) => (length: number) => {
  assert.equal(length, 24);
  return hexToBytes(hex);
};
const event = eventFromJson(vectors.item.event);
const checkpoint = {
  position: vectors.batch.checkpoint.position,
  hash: hexToBytes(vectors.batch.checkpoint.hash) as ChainHash,
};

it("seals the item event, as format 2, to exactly its version-3 payload and event hash", () => {
  assert.equal(bytesToHex(encodeEventBody(event)), vectors.item.eventBytes);
  assert.equal(
    bytesToHex(associatedData("event", vaultId, event.id, BATCH_SIGNED_SCHEMA)),
    vectors.item.associatedData,
  );
  const payload = sealBatchSignedItemEvent(keys, signer, event, nonce(vectors.item.nonce));
  assert.equal(bytesToHex(payload), vectors.item.payload);
  assert.equal(
    bytesToHex(hashEvent(envelopeBytes({ id: event.id, payload }))),
    vectors.item.eventHash,
  );
  const parsed = parseBatchSignedItemPayload(payload);
  assert.ok(parsed.ok);
  assert.deepEqual([parsed.value.signer, parsed.value.epoch], [signer.deviceId, 0]);
  // The event's vault id and id come from the associated data; its checkpoint from its batch.
  const opened = openEventBodyBox(keys, vaultId, { id: event.id, payload: parsed.value.box }, null);
  assert.ok(opened.ok);
  assert.equal(bytesToHex(encodeEventBody(opened.value)), vectors.item.eventBytes);
  assert.deepEqual(
    [opened.value.id, opened.value.vaultId, opened.value.itemId, opened.value.checkpoint],
    [event.id, vaultId, event.itemId, null],
  );
  assert.equal(
    openEventBodyBox(
      keys,
      vaultId,
      { id: vectors.batch.id as EventId, payload: parsed.value.box },
      null,
    ).ok,
    false,
    "the box does not open under another event id",
  );
});

it("signs the batch event naming it to exactly its payload, whose signature verifies", () => {
  const eventHash = hexToBytes(vectors.item.eventHash);
  assert.equal(bytesToHex(encodeBatch({ checkpoint, hashes: [eventHash] })), vectors.batch.plain);
  assert.equal(
    bytesToHex(associatedData("batch", vaultId, vectors.batch.id, BATCH_SIGNED_SCHEMA)),
    vectors.batch.associatedData,
  );
  const batch = signBatch(
    keys,
    signer,
    vaultId,
    vectors.batch.id as EventId,
    checkpoint,
    [eventHash],
    nonce(vectors.batch.nonce),
  );
  assert.equal(bytesToHex(batch.payload), vectors.batch.payload);
  const parsed = parseSignedPayload(batch.payload);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.kind, "batch");
  assert.equal(bytesToHex(parsed.value.unsigned), vectors.batch.unsigned);
  assert.equal(bytesToHex(parsed.value.signature), vectors.batch.signature);
  assert.equal(
    verifyDeviceSignature(
      device.signingKey,
      hexToBytes(vectors.batch.signatureMessage),
      hexToBytes(vectors.batch.signature),
    ),
    true,
  );
  const opened = openBatchBox(keys, vaultId, vectors.batch.id, parsed.value.box);
  assert.ok(opened.ok);
  const plain = decodeBatch(hexToBytes(vectors.batch.plain));
  assert.ok(plain.ok);
  assert.deepEqual(opened.value, plain.value);
  assert.deepEqual(
    opened.value.hashes.map((hash) => bytesToHex(hash)),
    [vectors.item.eventHash],
  );
  assert.deepEqual(opened.value.checkpoint, checkpoint);
});
