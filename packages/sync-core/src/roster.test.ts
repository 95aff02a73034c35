import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import type { DeviceId } from "./ids.ts";
import {
  activeAt,
  applyRosterOp,
  decodeRosterOp,
  encodeRosterOp,
  type DeviceRosterOp,
  type RosterEntry,
  type RosterOp,
  rosterRuleBroken,
} from "./roster.ts";

const A = "aaaaaaaaaaaaaaaa" as DeviceId;
const B = "bbbbbbbbbbbbbbbb" as DeviceId;
const C = "cccccccccccccccc" as DeviceId;
const enrol = (deviceId: DeviceId): DeviceRosterOp => ({
  kind: "enrol",
  deviceId,
  name: `device ${deviceId.slice(0, 2)}`,
  signingKey: new Uint8Array(32).fill(1),
  exchangeKey: new Uint8Array(32).fill(2),
  at: 1720000000000,
});

test("roster events round-trip through their canonical bytes; any other encoding is refused", () => {
  for (const op of [
    enrol(A),
    { kind: "rename", deviceId: A, name: "work" },
    { kind: "revoke", deviceId: B },
    { kind: "require-approval", deviceId: A, required: true },
    { kind: "require-approval", deviceId: B, required: false },
  ] as RosterOp[]) {
    const bytes = encodeRosterOp(op);
    const decoded = decodeRosterOp(bytes);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, op);
  }
  // The revoke of B as [2, 2, h'bbbb...'] with the version as a two-byte integer (0x1802):
  const canonical = bytesToHex(encodeRosterOp({ kind: "revoke", deviceId: B }));
  assert.equal(decodeRosterOp(hexToBytes(canonical.replace(/^8302/, "831802"))).ok, false);
  assert.equal(decodeRosterOp(hexToBytes("8302")).ok, false);
  assert.equal(decodeRosterOp(encodeRosterOp({ ...enrol(A), name: "" } as RosterOp)).ok, false);
  assert.equal(
    decodeRosterOp(encodeRosterOp({ ...enrol(A), name: "a\u0007b" } as RosterOp)).ok,
    false,
  );
  assert.equal(
    decodeRosterOp(encodeRosterOp({ ...enrol(A), signingKey: new Uint8Array(31) } as RosterOp)).ok,
    false,
  );
});

test("the rules: self-enrolment or approval by an active device; only active devices rename and revoke; revoked stays revoked", () => {
  const roster = new Map<DeviceId, RosterEntry>();
  const lookup = (id: DeviceId) => roster.get(id);
  const apply = (op: DeviceRosterOp, signer: DeviceId, position: number) => {
    const broken = rosterRuleBroken(lookup, op, signer, position);
    if (broken === undefined)
      roster.set(op.deviceId, applyRosterOp(roster.get(op.deviceId), op, signer, position));
    return broken;
  };
  assert.equal(apply(enrol(A), A, 1), undefined);
  assert.equal(roster.get(A)?.via, "self");
  assert.equal(apply(enrol(B), C, 2), "approver not active", "C is nobody");
  assert.equal(apply(enrol(B), A, 2), undefined);
  assert.deepEqual([roster.get(B)?.via, roster.get(B)?.approvedBy], ["approved", A]);
  assert.equal(apply(enrol(B), B, 3), "device already enrolled");
  assert.equal(apply({ kind: "revoke", deviceId: A }, C, 3), "signer not active");
  assert.equal(apply({ kind: "revoke", deviceId: B }, A, 3), undefined);
  assert.equal(
    activeAt(roster.get(B), 3),
    roster.get(B),
    "active at its revocation's own position",
  );
  assert.equal(activeAt(roster.get(B), 4), undefined, "and not after");
  assert.equal(activeAt(roster.get(A), 1), undefined, "nor before its enrolment is ordered");
  assert.equal(apply({ kind: "rename", deviceId: A, name: "x" }, B, 4), "signer not active");
  assert.equal(apply(enrol(B), B, 5), "device was revoked");
  assert.equal(apply({ kind: "rename", deviceId: B, name: "x" }, A, 5), "device not active");
  assert.equal(apply({ kind: "rename", deviceId: A, name: "work" }, A, 6), undefined);
  assert.equal(roster.get(A)?.name, "work");
});

test("a rekey round-trips canonically; duplicate, short or missing deliveries are refused", () => {
  const box = new Uint8Array(105).fill(7);
  const op: RosterOp = {
    kind: "rekey",
    epoch: 3,
    scope: "devices",
    deliveries: [
      { deviceId: A, box },
      { deviceId: B, box },
    ],
  };
  const bytes = encodeRosterOp(op);
  assert.deepEqual(decodeRosterOp(bytes), { ok: true, value: op });
  const bad = (o: RosterOp) => decodeRosterOp(encodeRosterOp(o)).ok;
  assert.equal(
    bad({
      ...op,
      deliveries: [
        { deviceId: A, box },
        { deviceId: A, box },
      ],
    }),
    false,
  );
  assert.equal(bad({ ...op, deliveries: [{ deviceId: A, box: box.subarray(1) }] }), false);
  assert.equal(bad({ ...op, deliveries: [] }), false);
  assert.equal(bad({ ...op, epoch: 0 }), false);
  // Only an active device may start an epoch; the epoch sequence is the vault's check.
  assert.equal(
    rosterRuleBroken(() => undefined, op, A, 5),
    "signer not active",
  );
});

test("a credential rekey is a code of its own, delivered to its signer alone", () => {
  const box = new Uint8Array(105).fill(7);
  const op: RosterOp = {
    kind: "rekey",
    epoch: 2,
    scope: "credentials",
    deliveries: [{ deviceId: A, box }],
  };
  const bytes = encodeRosterOp(op);
  assert.deepEqual(decodeRosterOp(bytes), { ok: true, value: op });
  // The same deliveries under code 3 are another event: the scope is signed with it.
  const asDevices = encodeRosterOp({ ...op, scope: "devices" });
  assert.notDeepEqual(asDevices, bytes);
  assert.equal(bytes[2], 5);
  assert.equal(asDevices[2], 3);
  assert.equal(
    decodeRosterOp(
      encodeRosterOp({
        ...op,
        deliveries: [
          { deviceId: A, box },
          { deviceId: B, box },
        ],
      }),
    ).ok,
    false,
    "a second delivery is refused",
  );
  const entries = new Map<DeviceId, RosterEntry>();
  entries.set(A, applyRosterOp(undefined, enrol(A), A, 1));
  entries.set(B, applyRosterOp(undefined, enrol(B), B, 2));
  const lookup = (id: DeviceId) => entries.get(id);
  assert.equal(rosterRuleBroken(lookup, op, A, 3), undefined);
  assert.equal(
    rosterRuleBroken(lookup, op, B, 3),
    "a credential rekey is delivered to its signer only",
  );
});

test("the approval setting is signed by an active device in its own name, and changes no entry", () => {
  const entries = new Map<DeviceId, RosterEntry>();
  const lookup = (id: DeviceId) => entries.get(id);
  entries.set(A, applyRosterOp(undefined, enrol(A), A, 1));
  const on: RosterOp = { kind: "require-approval", deviceId: A, required: true };
  assert.equal(rosterRuleBroken(lookup, on, A, 2), undefined);
  assert.equal(rosterRuleBroken(lookup, on, B, 2), "signer not active");
  entries.set(B, applyRosterOp(undefined, enrol(B), A, 2));
  assert.equal(rosterRuleBroken(lookup, on, B, 3), "setting not signed by its device");
  assert.deepEqual(applyRosterOp(entries.get(A), on, A, 3), entries.get(A));
  assert.equal(decodeRosterOp(encodeRosterOp(on).slice(0, -1)).ok, false);
});
