import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { createKeypearsClient, encodeSnapshotFrames, EVENT_FRAMES_MEDIA_TYPE } from "@keypears/api";
import { base64UrlToBytes } from "@keypears/base";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  b64Signed,
  b64SignedSnapshot,
  newEventId,
  newVaultId,
  registerAccount,
  startTestServer,
  type TestAccount,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt();

let test: TestServer;
let alice: TestAccount;
let bob: TestAccount;

before(async () => {
  test = await startTestServer();
  alice = await registerAccount(test, "alice");
  bob = await registerAccount(test, "bob");
  await alice.client.vaults.push({
    vaultId: alice.vaultId,
    events: [{ id: newEventId(), payload: b64Signed(alice.deviceId) }],
  });
});
after(() => test.close());

/** Every vault route, called by `account` on `vaultId`. */
const vaultCalls = (account: TestAccount, vaultId: string) => ({
  push: () =>
    account.client.vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(account.deviceId) }],
    }),
  pull: () => account.client.vaults.pull({ vaultId, after: 0 }),
  head: () => account.client.vaults.head({ vaultId }),
  stream: () => account.client.vaults.stream({ vaultId }),
  restore: () =>
    account.client.vaults.restore({
      vaultId,
      after: { position: 0, hash: b64Random(32) },
      events: [],
    }),
  snapshotPut: () =>
    account.client.snapshots.put({
      vaultId,
      position: 1,
      chainHash: b64Random(32),
      payload: b64SignedSnapshot(account.deviceId),
    }),
  snapshotPutFrames: () =>
    account.client.snapshots.putFrames({
      params: { vaultId },
      body: new File(
        [
          encodeSnapshotFrames({
            position: 1,
            chainHash: base64UrlToBytes(b64Random(32)),
            payload: base64UrlToBytes(b64SignedSnapshot(account.deviceId)),
          }),
        ],
        "snapshot",
        { type: EVENT_FRAMES_MEDIA_TYPE },
      ),
    }),
  snapshotLatest: () => account.client.snapshots.latest({ vaultId }),
});

describe("a session reaches only its own account's vaults", () => {
  it("refuses every vault route on another account's vault with 403, changing nothing", async () => {
    const before = await alice.client.vaults.head({ vaultId: alice.vaultId });
    for (const [route, call] of Object.entries(vaultCalls(bob, alice.vaultId))) {
      await rejectsWith(call(), "FORBIDDEN", 403).catch((error: Error) => {
        throw new Error(`${route}: ${error.message}`);
      });
    }
    assert.deepEqual(await alice.client.vaults.head({ vaultId: alice.vaultId }), before);
    assert.deepEqual(
      (await bob.client.vaults.list()).vaults.map((v) => v.vaultId),
      [bob.vaultId],
    );
  });

  it("answers 404 for a vault no account has", async () => {
    for (const [route, call] of Object.entries(vaultCalls(bob, newVaultId()))) {
      await rejectsWith(call(), "NOT_FOUND", 404).catch((error: Error) => {
        throw new Error(`${route}: ${error.message}`);
      });
    }
  });

  it("cannot rename or revoke another account's device", async () => {
    await rejectsWith(
      bob.client.devices.rename({ deviceId: alice.deviceId, name: "mine" }),
      "NOT_FOUND",
      404,
    );
    await rejectsWith(bob.client.devices.revoke({ deviceId: alice.deviceId }), "NOT_FOUND", 404);
    const { devices } = await alice.client.devices.list();
    assert.deepEqual(
      devices.map((d) => [d.name, d.revokedAt]),
      [["test laptop", null]],
    );
  });

  it("refuses every session route without a valid token with 401", async () => {
    const tokens = [undefined, "", "not-a-token", b64Random(32), `${alice.session.token}x`];
    for (const token of tokens) {
      const stranger: TestAccount = {
        ...alice,
        client: createKeypearsClient(test.server.apiUrl, token === undefined ? {} : { token }),
      };
      for (const [route, call] of Object.entries(vaultCalls(stranger, alice.vaultId))) {
        await rejectsWith(call(), "UNAUTHORIZED", 401).catch((error: Error) => {
          throw new Error(`${route} with ${JSON.stringify(token)}: ${error.message}`);
        });
      }
      await rejectsWith(stranger.client.devices.list(), "UNAUTHORIZED", 401);
      await rejectsWith(stranger.client.accounts.get(), "UNAUTHORIZED", 401);
    }
  });
});
