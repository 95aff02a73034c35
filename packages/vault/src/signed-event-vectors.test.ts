/**
 * The version-2 vectors of the protocol specification (docs/protocol/vectors/signed-event.json):
 * the vault signs and seals an item event and a roster enrolment to exactly the stated payloads,
 * and the stated signatures verify, so the document cannot drift from the code.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import {
  deriveVaultKeys,
  deviceKeyPairsFromSecrets,
  type VaultKey,
  verifyDeviceSignature,
} from "@keypears/crypto";
import {
  decodeRosterOp,
  type DeviceId,
  encodeRosterOp,
  type EventId,
  parseSignedPayload,
  type VaultId,
} from "@keypears/sync-core";
import { eventFromJson, type EventJson } from "@keypears/sync-core/testing";
import { openEvent, openRosterBox, SIGNED_EVENT_SCHEMA } from "./sealing.ts";
import { sealSignedItemEvent, sealSignedRosterEvent } from "./signed-sealing.ts";

const load = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../docs/protocol/vectors/${name}`, import.meta.url), "utf8"),
  ) as T;

interface Signed {
  nonce: string;
  unsigned: string;
  signatureMessage: string;
  signature: string;
  payload: string;
}
const vectors = load<{
  vaultId: string;
  device: Record<
    "deviceId" | "signingSeed" | "signingKey" | "exchangeSecret" | "exchangeKey",
    string
  >;
  item: Signed & { event: EventJson };
  roster: Signed & {
    id: string;
    opBytes: string;
    op: { name: string; at: number; signingKey: string; exchangeKey: string };
  };
}>("signed-event.json");
const { vectors: keyVectors } = load<{ vectors: { vaultKey: string }[] }>("key-derivation.json");
const keys = deriveVaultKeys(hexToBytes(keyVectors[0]?.vaultKey ?? "") as VaultKey);
const device = deviceKeyPairsFromSecrets(
  hexToBytes(vectors.device.signingSeed),
  hexToBytes(vectors.device.exchangeSecret),
);
const vaultId = vectors.vaultId as VaultId;
const signer = {
  deviceId: vectors.device.deviceId as DeviceId,
  signingSeed: device.signingSeed,
  epoch: 0,
};
const nonce = (hex: string) => (length: number) => {
  assert.equal(length, 24);
  return hexToBytes(hex);
};

it("derives the device's public keys from its secrets", () => {
  assert.equal(bytesToHex(device.signingKey), vectors.device.signingKey);
  assert.equal(bytesToHex(device.exchangeKey), vectors.device.exchangeKey);
});

it("signs and seals the item event to exactly its payload, whose signature verifies", () => {
  const event = eventFromJson(vectors.item.event);
  const payload = sealSignedItemEvent(keys, signer, event, nonce(vectors.item.nonce));
  assert.equal(bytesToHex(payload), vectors.item.payload);
  const parsed = parseSignedPayload(payload);
  assert.ok(parsed.ok);
  assert.equal(bytesToHex(parsed.value.unsigned), vectors.item.unsigned);
  assert.equal(
    verifyDeviceSignature(
      device.signingKey,
      hexToBytes(vectors.item.signatureMessage),
      hexToBytes(vectors.item.signature),
    ),
    true,
  );
  const opened = openEvent(
    keys,
    vaultId,
    { id: event.id, payload: parsed.value.box },
    SIGNED_EVENT_SCHEMA,
  );
  assert.ok(opened.ok);
  assert.equal(opened.value.id, event.id);
  assert.equal(
    openEvent(keys, vaultId, { id: event.id, payload: parsed.value.box }).ok,
    false,
    "a version-2 box does not open as version 1",
  );
});

it("signs and seals the roster enrolment to exactly its payload, and its bytes decode canonically", () => {
  const op = {
    kind: "enrol" as const,
    deviceId: signer.deviceId,
    name: vectors.roster.op.name,
    signingKey: hexToBytes(vectors.roster.op.signingKey),
    exchangeKey: hexToBytes(vectors.roster.op.exchangeKey),
    at: vectors.roster.op.at,
  };
  assert.equal(bytesToHex(encodeRosterOp(op)), vectors.roster.opBytes);
  const payload = sealSignedRosterEvent(
    keys,
    signer,
    vaultId,
    vectors.roster.id as EventId,
    op,
    nonce(vectors.roster.nonce),
  );
  assert.equal(bytesToHex(payload), vectors.roster.payload);
  const parsed = parseSignedPayload(payload);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.kind, "roster");
  const bytes = openRosterBox(keys, vaultId, vectors.roster.id, parsed.value.box);
  assert.ok(bytes !== undefined);
  const decoded = decodeRosterOp(bytes);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value, op);
  assert.equal(
    verifyDeviceSignature(
      device.signingKey,
      hexToBytes(vectors.roster.signatureMessage),
      hexToBytes(vectors.roster.signature),
    ),
    true,
  );
});
