import {
  decodePullPageFrames,
  decodePushAnswerFrames,
  decodeSnapshotFrames,
  EVENT_FRAMES_MEDIA_TYPE,
  encodePushFrames,
  encodeSnapshotFrames,
  MAX_SEALED_EVENT_BYTES,
} from "@keypears/api";
import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import { boundedIt } from "@keypears/base/testing";
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
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

let test: TestServer;
before(async () => {
  test = await startTestServer();
});
after(() => test.close());

/** `n` events in the signed layout the server's filter lets through for `deviceId`. */
const envelopes = (deviceId: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: newEventId(),
    payload: base64UrlToBytes(b64Signed(deviceId, MIN_SIGNED_PAYLOAD + i)),
  }));
const framesFile = (bytes: Uint8Array) =>
  new File([bytes], "events", { type: EVENT_FRAMES_MEDIA_TYPE });
const bytesOf = async (file: Blob) => new Uint8Array(await file.arrayBuffer());

describe("binary event frames over HTTP", () => {
  it("push and pull as frames give what the JSON routes give, byte for byte", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const batch = envelopes(deviceId, 5);
    const answer = decodePushAnswerFrames(
      await bytesOf(
        await client.vaults.pushFrames({
          params: { vaultId },
          body: framesFile(encodePushFrames(batch)),
        }),
      ),
    );
    assert.ok(answer.ok, JSON.stringify(answer));
    assert.deepEqual(
      answer.value.events.map((e) => [e.id, e.position, e.duplicate]),
      batch.map((e, i) => [e.id, i + 1, false]),
    );
    // The same events pushed again through JSON are duplicates with the same positions.
    const retried = await client.vaults.push({
      vaultId,
      events: batch.map((e) => ({ id: e.id, payload: bytesToBase64Url(e.payload) })),
    });
    assert.deepEqual(
      retried.events.map((e) => [e.position, e.duplicate, base64UrlToBytes(e.chainHash)]),
      answer.value.events.map((e) => [e.position, true, e.chainHash]),
    );
    const json = await client.vaults.pull({ vaultId, after: 1, limit: 3 });
    const page = decodePullPageFrames(
      await bytesOf(await client.vaults.pullFrames({ vaultId, after: 1, limit: 3 })),
    );
    assert.ok(page.ok, JSON.stringify(page));
    assert.deepEqual(
      page.value.events.map((e) => ({
        id: e.id,
        payload: bytesToBase64Url(e.payload),
        position: e.position,
        chainHash: bytesToBase64Url(e.chainHash),
      })),
      json.events,
    );
    assert.deepEqual(
      [page.value.anchor, page.value.head].map((c) => ({
        position: c.position,
        hash: bytesToBase64Url(c.hash),
      })),
      [json.anchor, json.head],
    );
  });

  it("serves the latest snapshot as frames: the JSON route's position, hash and payload", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    await rejectsWith(client.snapshots.latestFrames({ vaultId }), "NOT_FOUND", 404);
    const pushed = await client.vaults.push({
      vaultId,
      events: envelopes(deviceId, 3).map((e) => ({
        id: e.id,
        payload: bytesToBase64Url(e.payload),
      })),
    });
    const payload = b64SignedSnapshot(deviceId, 300);
    await client.snapshots.put({
      vaultId,
      position: 3,
      chainHash: pushed.head.hash,
      payload,
    });
    const json = await client.snapshots.latest({ vaultId });
    const frames = decodeSnapshotFrames(
      await bytesOf(await client.snapshots.latestFrames({ vaultId })),
    );
    assert.ok(frames.ok, JSON.stringify(frames));
    assert.deepEqual(
      {
        position: frames.value.position,
        chainHash: bytesToBase64Url(frames.value.chainHash),
        payload: bytesToBase64Url(frames.value.payload),
      },
      { position: json.position, chainHash: json.chainHash, payload: json.payload },
    );
    assert.equal(json.payload, payload);
  });

  it("refuses a malformed body with a 400 and stores nothing", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const good = encodePushFrames(envelopes(deviceId, 2));
    for (const bad of [
      good.subarray(0, good.length - 1),
      Uint8Array.of(9, 1, 0),
      new Uint8Array(0),
    ]) {
      await rejectsWith(
        client.vaults.pushFrames({ params: { vaultId }, body: framesFile(bad) }),
        "BAD_REQUEST",
        400,
      );
    }
    assert.equal((await client.vaults.head({ vaultId })).position, 0);
  });

  it("keeps the push limits: an event over the server's limit is refused by id", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const [small] = envelopes(deviceId, 1);
    const large = {
      id: newEventId(),
      payload: new Uint8Array(MAX_SEALED_EVENT_BYTES + 1),
    };
    const failure = await rejectsWith(
      client.vaults.pushFrames({
        params: { vaultId },
        body: framesFile(encodePushFrames([small!, large])),
      }),
      "PAYLOAD_TOO_LARGE",
      413,
    );
    assert.deepEqual(failure.data, {
      limit: MAX_SEALED_EVENT_BYTES,
      unit: "bytes",
      id: large.id,
    });
    assert.equal((await client.vaults.head({ vaultId })).position, 0);
  });

  it("answers another account's vault with FORBIDDEN, without reading its log", async () => {
    const alice = await registerAccount(test);
    const mallory = await registerAccount(test);
    await rejectsWith(
      mallory.client.vaults.pushFrames({
        params: { vaultId: alice.vaultId },
        body: framesFile(encodePushFrames(envelopes(mallory.deviceId, 1))),
      }),
      "FORBIDDEN",
      403,
    );
    await rejectsWith(
      mallory.client.vaults.pullFrames({ vaultId: alice.vaultId, after: 0, limit: 10 }),
      "FORBIDDEN",
      403,
    );
  });

  it("stores a snapshot sent as frames as the JSON route stores it; a malformed, misplaced or unsigned one changes nothing", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const pushed = decodePushAnswerFrames(
      await bytesOf(
        await client.vaults.pushFrames({
          params: { vaultId },
          body: framesFile(encodePushFrames(envelopes(deviceId, 3))),
        }),
      ),
    );
    assert.ok(pushed.ok);
    const chainHash = pushed.value.head.hash;
    const payload = base64UrlToBytes(b64SignedSnapshot(deviceId, 300));
    const body = encodeSnapshotFrames({ position: 3, chainHash, payload });
    const atGenesis = encodeSnapshotFrames({ position: 0, chainHash: new Uint8Array(32), payload });
    for (const bad of [
      body.subarray(0, body.length - 1),
      Uint8Array.of(1, 3),
      new Uint8Array(0),
      atGenesis,
    ]) {
      await rejectsWith(
        client.snapshots.putFrames({ params: { vaultId }, body: framesFile(bad) }),
        "BAD_REQUEST",
        400,
      );
    }
    // Anchored where the chain does not have that hash, or signed by nobody: refused as by JSON.
    await rejectsWith(
      client.snapshots.putFrames({
        params: { vaultId },
        body: framesFile(encodeSnapshotFrames({ position: 2, chainHash, payload })),
      }),
      "CHAIN_MISMATCH",
      409,
    );
    await rejectsWith(
      client.snapshots.putFrames({
        params: { vaultId },
        body: framesFile(
          encodeSnapshotFrames({ position: 3, chainHash, payload: new Uint8Array(300) }),
        ),
      }),
      "UNSIGNED_PAYLOAD",
      400,
    );
    await rejectsWith(client.snapshots.latest({ vaultId }), "NOT_FOUND", 404);

    const stored = await client.snapshots.putFrames({
      params: { vaultId },
      body: framesFile(body),
    });
    assert.deepEqual(
      { position: stored.position, chainHash: stored.chainHash, size: stored.size },
      { position: 3, chainHash: bytesToBase64Url(chainHash), size: payload.length },
    );
    const latest = await client.snapshots.latest({ vaultId });
    assert.equal(latest.payload, bytesToBase64Url(payload));
    assert.equal(latest.position, 3);
  });

  it("refuses a snapshot as frames on another account's vault", async () => {
    const alice = await registerAccount(test);
    const mallory = await registerAccount(test);
    await rejectsWith(
      mallory.client.snapshots.putFrames({
        params: { vaultId: alice.vaultId },
        body: framesFile(
          encodeSnapshotFrames({
            position: 1,
            chainHash: new Uint8Array(32),
            payload: base64UrlToBytes(b64SignedSnapshot(mallory.deviceId)),
          }),
        ),
      }),
      "FORBIDDEN",
      403,
    );
  });
});
