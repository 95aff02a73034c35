import assert from "node:assert/strict";
import { encodeSnapshotFrames, EVENT_FRAMES_MEDIA_TYPE } from "@keypears/api";
import { base64UrlToBytes } from "@keypears/base";
import { boundedTest } from "@keypears/base/testing";
import { after, before } from "node:test";
import {
  b64Random,
  b64Signed,
  b64SignedSnapshot,
  newEventId,
  registerAccount,
  startTestServer,
  type TestAccount,
  type TestServer,
} from "../testing/test-server.ts";

const test = boundedTest();

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer({
    limits: { maxRequestBytes: 16 * 1024, maxSnapshotBytes: 64 * 1024 },
  });
  account = await registerAccount(server);
});
after(() => server.close());

const post = (path: string, body: unknown) =>
  fetch(`${server.server.apiUrl}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${account.session.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });

test("a snapshot may exceed the general request limit, up to the snapshot limit; other requests may not", async () => {
  const pushed = await account.client.vaults.push({
    vaultId: account.vaultId,
    events: [{ id: newEventId(), payload: b64Signed(account.deviceId) }],
  });
  const anchor = pushed.events[0];
  assert.ok(anchor !== undefined);
  const big = await post(`/vaults/${account.vaultId}/snapshots`, {
    position: anchor.position,
    chainHash: anchor.chainHash,
    payload: b64SignedSnapshot(account.deviceId, 40 * 1024),
  });
  assert.equal(big.status, 201, await big.text());
  const tooBigPush = await post(`/vaults/${account.vaultId}/events`, {
    events: [{ id: newEventId(), payload: b64Random(40 * 1024) }],
  });
  assert.equal(tooBigPush.status, 413);
  const tooBigSnapshot = await post(`/vaults/${account.vaultId}/snapshots`, {
    position: anchor.position,
    chainHash: anchor.chainHash,
    payload: b64Random(70 * 1024),
  });
  assert.equal(tooBigSnapshot.status, 413);
  assert.equal((await fetch(`${server.server.apiUrl}/health`)).status, 200);
});

test("a snapshot as frames may exceed the general request limit, up to the snapshot limit", async () => {
  const pushed = await account.client.vaults.push({
    vaultId: account.vaultId,
    events: [{ id: newEventId(), payload: b64Signed(account.deviceId) }],
  });
  const anchor = pushed.events[0];
  assert.ok(anchor !== undefined);
  const postFrames = (payload: Uint8Array) =>
    fetch(`${server.server.apiUrl}/vaults/${account.vaultId}/snapshots/frames`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${account.session.token}`,
        "content-type": EVENT_FRAMES_MEDIA_TYPE,
      },
      body: encodeSnapshotFrames({
        position: anchor.position,
        chainHash: base64UrlToBytes(anchor.chainHash),
        payload,
      }),
    });
  // Over the 16 KiB request limit, under the 64 KiB snapshot limit: stored.
  const big = await postFrames(base64UrlToBytes(b64SignedSnapshot(account.deviceId, 60 * 1024)));
  assert.equal(big.status, 201, await big.text());
  // Over the snapshot limit: refused before it is read whole.
  const tooBig = await postFrames(base64UrlToBytes(b64Random(70 * 1024)));
  assert.equal(tooBig.status, 413);
  assert.equal(
    (await account.client.snapshots.latest({ vaultId: account.vaultId })).size,
    60 * 1024,
  );
});
