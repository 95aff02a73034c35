/**
 * The version-2 vectors of the protocol specification (docs/protocol/vectors/signed-event.json):
 * the vault signs and seals an item event, a roster enrolment and a snapshot to exactly the stated
 * payloads, and the stated signatures verify, so the document cannot drift from the code.
 */

import assert from "node:assert/strict";
import { it } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import { deviceKeyPairsFromSecrets, verifyDeviceSignature } from "@keypears/crypto";
import {
  type ChainHash,
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
import { nodeCompression } from "./node/node-compression.ts";
import {
  openSnapshot,
  sealSignedSnapshot,
  signedSnapshotPlaintext,
  type SnapshotApproval,
} from "./snapshot.ts";
import { fflateCompression } from "./compression.ts";
import { loadVectors, vectorVaultKeys } from "./testing/vector-files.ts";

interface Signed {
  nonce: string;
  unsigned: string;
  signatureMessage: string;
  signature: string;
  payload: string;
}
const vectors = loadVectors<{
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
  snapshot: {
    position: number;
    chainHash: string;
    roster: { name: string; enrolledAt: number; enrolledAtMs: number }[];
    approval: { required: boolean; position: number; setBy: string };
    nonce: string;
    format3: SnapshotVector;
    format2: SnapshotVector;
  };
}>("signed-event.json");
interface SnapshotVector {
  plain: string;
  unsigned: string;
  signatureMessage: string;
  payload: string;
}
const keys = vectorVaultKeys();
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

it("seals a format-3 snapshot (roster and approval setting) to exactly its payload; format 2 still opens, its setting unknown", () => {
  const v = vectors.snapshot;
  const checkpoint = { position: v.position, hash: hexToBytes(v.chainHash) as ChainHash };
  const listed = v.roster[0];
  assert.ok(listed !== undefined);
  const entry = {
    deviceId: signer.deviceId,
    name: listed.name,
    signingKey: device.signingKey,
    exchangeKey: device.exchangeKey,
    enrolledAt: listed.enrolledAt,
    enrolledAtMs: listed.enrolledAtMs,
    via: "self" as const,
    approvedBy: null,
    revokedAt: null,
  };
  const approval = { ...v.approval, setBy: v.approval.setBy as DeviceId };
  const seal = (setting: SnapshotApproval, compression = nodeCompression) =>
    sealSignedSnapshot(
      keys,
      vaultId,
      checkpoint,
      [],
      [entry],
      setting,
      signer,
      nonce(v.nonce),
      compression,
    );
  for (const [setting, vector] of [
    [approval, v.format3],
    ["unknown", v.format2],
  ] as const) {
    assert.equal(bytesToHex(signedSnapshotPlaintext([], [entry], setting)), vector.plain);
    const payload = seal(setting);
    assert.equal(bytesToHex(payload), vector.payload);
    assert.equal(bytesToHex(payload.subarray(0, payload.length - 64)), vector.unsigned);
    assert.equal(
      verifyDeviceSignature(
        device.signingKey,
        hexToBytes(vector.signatureMessage),
        payload.subarray(payload.length - 64),
      ),
      true,
    );
    // Any DEFLATE writer's snapshot opens the same.
    for (const bytes of [hexToBytes(vector.payload), seal(setting, fflateCompression)]) {
      const opened = openSnapshot(keys, vaultId, checkpoint, bytes);
      assert.ok(opened.ok, JSON.stringify(opened));
      assert.deepEqual(opened.value.approval, setting);
      assert.deepEqual(opened.value.roster, [entry]);
    }
  }
  // A setting the snapshot's roster cannot account for is refused, as a roster event would be.
  const refused = (setting: SnapshotApproval) => {
    const opened = openSnapshot(keys, vaultId, checkpoint, seal(setting));
    return opened.ok ? "opened" : opened.error.kind;
  };
  assert.equal(refused({ ...approval, position: v.position + 1 }), "invalid-snapshot");
  assert.equal(refused({ ...approval, position: 1 }), "invalid-snapshot", "before its enrolment");
  assert.equal(refused({ ...approval, setBy: "0000000000000001" as DeviceId }), "invalid-snapshot");
  assert.equal(refused(null), "opened");
});
