/**
 * One account cannot stall the server: pull pages are capped in bytes, and each account is held
 * to its quotas (stored bytes, events per minute, open streams, requests in progress), each
 * refusal a clear 413 or 429. The server's memory stays bounded under one client's load.
 */

import { boundedIt } from "@keypears/base/testing";
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import { followStream } from "../testing/follow-stream.ts";
import {
  b64Signed,
  b64SignedSnapshot,
  MIN_SIGNED_PAYLOAD,
  newEventId,
  registerAccount,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt();
const KiB = 1024;

/** `count` events of `bytes` bytes each (at least the smallest signed payload) by `deviceId`. */
const events = (deviceId: string, count: number, bytes: number) =>
  Array.from({ length: count }, () => ({
    id: newEventId(),
    payload: b64Signed(deviceId, Math.max(bytes, MIN_SIGNED_PAYLOAD)),
  }));

describe("pull pages are capped in bytes", () => {
  let test: TestServer;
  before(async () => {
    test = await startTestServer({ limits: { maxPullBytes: 50 * KiB } });
  });
  after(() => test.close());

  it("ends a page at the byte cap (never below one event), and paging reaches the head", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    await client.vaults.push({ vaultId, events: events(deviceId, 10, 20 * KiB) });
    const first = await client.vaults.pull({ vaultId, after: 0, limit: 5000 });
    assert.equal(first.events.length, 2, "two 20 KiB events fit in 50 KiB");
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = await client.vaults.pull({ vaultId, after, limit: 5000 });
      if (page.events.length === 0) break;
      after = page.events.at(-1)!.position;
      pages++;
    }
    assert.deepEqual([after, pages], [10, 5]);
    const big = await registerAccount(test);
    await big.client.vaults.push({
      vaultId: big.vaultId,
      events: events(big.deviceId, 2, 60 * KiB),
    });
    await big.client.vaults.push({ vaultId: big.vaultId, events: events(big.deviceId, 1, 1) });
    const one = await big.client.vaults.pull({ vaultId: big.vaultId, after: 0 });
    assert.equal(one.events.length, 1, "an event larger than the cap is served alone");
  });
});

describe("per-account quotas", () => {
  let test: TestServer;
  before(async () => {
    test = await startTestServer({
      quotas: {
        maxStoredBytes: 50 * KiB,
        eventsPerMinute: 2,
        maxOpenStreams: 2,
        maxConcurrentRequests: 4,
      },
    });
  });
  after(() => test.close());

  it("refuses storage past the quota with 413 QUOTA_EXCEEDED, saying how much, storing nothing", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const pushed = await client.vaults.push({ vaultId, events: events(deviceId, 2, 20 * KiB) });
    const refused = await rejectsWith(
      client.vaults.push({ vaultId, events: events(deviceId, 1, 20 * KiB) }),
      "QUOTA_EXCEEDED",
      413,
    );
    assert.deepEqual(refused.data, {
      quota: "storage",
      limit: 50 * KiB,
      unit: "bytes",
      used: 40 * KiB,
    });
    assert.match(refused.message, /quota/);
    assert.equal((await client.vaults.head({ vaultId })).position, 2);
    await rejectsWith(
      client.snapshots.put({
        vaultId,
        position: 2,
        chainHash: pushed.head.hash,
        payload: b64SignedSnapshot(deviceId, 20 * KiB),
      }),
      "QUOTA_EXCEEDED",
      413,
    );
    // Another account has its own room.
    const other = await registerAccount(test);
    await other.client.vaults.push({
      vaultId: other.vaultId,
      events: events(other.deviceId, 2, 20 * KiB),
    });
  });

  it("limits events per minute per account with 429 and the time to wait", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    await client.vaults.push({ vaultId, events: events(deviceId, 10, 10) });
    const refused = await rejectsWith(
      client.vaults.push({ vaultId, events: events(deviceId, 1, 10) }),
      "TOO_MANY_REQUESTS",
      429,
    );
    assert.ok((refused.data as { retryAfterSeconds: number }).retryAfterSeconds >= 1);
    assert.match(refused.message, /2 a minute/);
    assert.equal((await client.vaults.head({ vaultId })).position, 10);
  });

  it("limits the head streams one account holds open, and frees a slot when one closes", async () => {
    const { client, vaultId } = await registerAccount(test);
    const first = await followStream(client, vaultId);
    const second = await followStream(client, vaultId);
    await first.waitForPosition(0);
    await second.waitForPosition(0);
    const refused = await rejectsWith(client.vaults.stream({ vaultId }), "TOO_MANY_REQUESTS", 429);
    assert.match(refused.message, /2 head streams/);
    await first.stop();
    const started = Date.now();
    let third;
    while (third === undefined) {
      try {
        third = await followStream(client, vaultId);
      } catch (error) {
        if (Date.now() - started > 5000) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await third.waitForPosition(0);
    await second.stop();
    await third.stop();
  });
});
