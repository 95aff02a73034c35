import assert from "node:assert/strict";
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
