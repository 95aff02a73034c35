import { base64UrlToBytes } from "@keypears/base";
import { chainStep, type ChainHash, type EventHash, GENESIS } from "@keypears/sync-core";
import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Signed,
  b64SignedSnapshot,
  newEventId,
  registerAccount,
  signInDevice,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";
import { DEFAULT_PRUNE_POLICY, prunablePosition } from "./pruning.ts";

const it = boundedIt();

const DAY = 86_400_000;
const now = Date.UTC(2030, 0, 1);
const device = (acked: number, daysAgo = 0, revoked = false) => ({
  acked,
  lastSeenAt: new Date(now - daysAgo * DAY),
  revoked,
});

describe("the pruning policy", () => {
  const plan = (snapshot: number | undefined, devices: ReturnType<typeof device>[]) =>
    prunablePosition(DEFAULT_PRUNE_POLICY, now, snapshot, devices);

  it("prunes nothing without a snapshot", () => {
    assert.equal(plan(undefined, [device(50)]), 0);
  });

  it("prunes up to the snapshot and the slowest active device, whichever is first", () => {
    assert.equal(plan(10, [device(7), device(12)]), 7);
    assert.equal(plan(10, [device(30), device(12)]), 10);
  });

  it("is held back by an active device that never pulled", () => {
    assert.equal(plan(10, [device(30), device(0)]), 0);
  });

  it("ignores revoked devices and devices not seen within the activity window", () => {
    assert.equal(plan(10, [device(30), device(2, 0, true)]), 10);
    assert.equal(plan(10, [device(30), device(2, 91)]), 10);
    assert.equal(plan(10, [device(30), device(2, 89)]), 2);
  });
});

describe("pruning on the server's schedule", () => {
  let test: TestServer;
  before(async () => {
    test = await startTestServer();
  });
  after(() => test.close());
  const prunedThrough = async (vaultId: string): Promise<number> => {
    const [row] = await test.server.sql.query(
      "SELECT pruned_through FROM vault_logs WHERE vault_id = $1",
      [vaultId],
    );
    return Number(row?.pruned_through);
  };

  it("drops the payloads every active device passed and a snapshot covers, keeping history verifiable", async () => {
    const laptop = await registerAccount(test);
    const phone = await signInDevice(test, laptop);
    const { vaultId } = laptop;
    const batch = Array.from({ length: 10 }, () => ({
      id: newEventId(),
      payload: b64Signed(laptop.deviceId),
    }));
    const pushed = await laptop.client.vaults.push({ vaultId, events: batch });

    await test.server.pruneNow();
    assert.equal(await prunedThrough(vaultId), 0, "no snapshot yet");
    const at8 = pushed.events[7]!;
    await laptop.client.snapshots.put({
      vaultId,
      position: 8,
      chainHash: at8.chainHash,
      payload: b64SignedSnapshot(laptop.deviceId),
    });
    await laptop.client.vaults.pull({ vaultId, after: 10 });
    await phone.client.vaults.pull({ vaultId, after: 5 });

    const first = await test.server.pruneNow();
    assert.equal(first.eventsPruned, 5);
    assert.equal(await prunedThrough(vaultId), 5, "held back by the phone at 5");

    const refused = await rejectsWith(
      phone.client.vaults.pull({ vaultId, after: 3 }),
      "PRUNED",
      410,
    );
    assert.deepEqual(refused.data, {
      prunedThrough: 5,
      snapshot: { position: 8, hash: at8.chainHash },
    });
    const fromFive = await phone.client.vaults.pull({ vaultId, after: 5 });
    assert.deepEqual(fromFive.anchor, { position: 5, hash: pushed.events[4]!.chainHash });
    assert.equal(fromFive.events.length, 5);

    await phone.client.vaults.pull({ vaultId, after: 10 });
    const second = await test.server.pruneNow();
    assert.equal(second.eventsPruned, 3);
    assert.equal(await prunedThrough(vaultId), 8, "bounded by the snapshot");

    // Every event keeps its position, id, size and hashes: the chain recomputes to the head.
    const rows = await test.server.sql.query(
      "SELECT position, event_id, payload, size, event_hash, chain_hash FROM events WHERE vault_id = $1 ORDER BY position",
      [vaultId],
    );
    assert.equal(rows.length, 10);
    assert.deepEqual(
      rows.map((r) => r.payload === null),
      [...Array(8).fill(true), false, false],
    );
    assert.deepEqual(
      rows.map((r) => r.event_id),
      batch.map((e) => e.id),
    );
    let hash = GENESIS.hash;
    for (const row of rows) {
      hash = chainStep(hash, new Uint8Array(row.event_hash as Uint8Array) as EventHash);
      assert.deepEqual(new Uint8Array(row.chain_hash as Uint8Array), hash);
    }
    assert.deepEqual(hash, base64UrlToBytes(pushed.head.hash) as ChainHash);

    // Idempotency survives pruning: a retried push of a pruned event is still a duplicate.
    const retried = await laptop.client.vaults.push({ vaultId, events: [batch[0]!] });
    assert.deepEqual(
      retried.events.map((e) => [e.position, e.duplicate]),
      [[1, true]],
    );
    await rejectsWith(
      laptop.client.vaults.push({
        vaultId,
        events: [{ id: batch[0]!.id, payload: b64Signed(laptop.deviceId) }],
      }),
      "ID_REUSED",
      409,
    );
    assert.equal((await laptop.client.snapshots.latest({ vaultId })).position, 8);
  });

  it("does not wait for a revoked device", async () => {
    const laptop = await registerAccount(test);
    const phone = await signInDevice(test, laptop);
    const { vaultId } = laptop;
    const pushed = await laptop.client.vaults.push({
      vaultId,
      events: Array.from({ length: 4 }, () => ({
        id: newEventId(),
        payload: b64Signed(laptop.deviceId),
      })),
    });
    await laptop.client.snapshots.put({
      vaultId,
      position: 4,
      chainHash: pushed.head.hash,
      payload: b64SignedSnapshot(laptop.deviceId),
    });
    await laptop.client.vaults.pull({ vaultId, after: 4 });
    await test.server.pruneNow();
    assert.equal(await prunedThrough(vaultId), 0, "the phone never pulled");
    await laptop.client.devices.revoke({ deviceId: phone.deviceId });
    await test.server.pruneNow();
    assert.equal(await prunedThrough(vaultId), 4);
  });

  it("has no route a client could prune with", async () => {
    const laptop = await registerAccount(test);
    const response = await fetch(`${test.server.apiUrl}/vaults/${laptop.vaultId}/prune`, {
      method: "POST",
      headers: { authorization: `Bearer ${laptop.session.token}` },
    });
    assert.equal(response.status, 404);
  });
});
