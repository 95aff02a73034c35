/**
 * A master password changed on one device, against a real server over real HTTP: the server ends
 * every other session, the other device's sync says so, it signs in again with the new password
 * and goes on, and then its vault file no longer opens with the old password.
 */

import assert from "node:assert/strict";
import { after, before } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { parseSecretKey } from "@keypears/crypto";
import type { RunningServer } from "@keypears/server";
import { unlockVault } from "@keypears/vault";
import { cheapDeps, expectOk } from "@keypears/vault/testing";
import { loginExistingDevice } from "./node-onboarding.ts";
import { createSyncClient } from "./sync-client.ts";
import {
  closeDevices,
  createSyncedAccount,
  endpointOf,
  PASSWORD,
  startSyncServer,
} from "./testing/harness.ts";

const test = boundedTest();
let server: RunningServer;
before(async () => {
  server = await startSyncServer();
});
after(() => server.close());

test("after a password change on A, B's session has ended; B signs in with the new password and syncs; its file no longer opens with the old one", async () => {
  const account = await createSyncedAccount(server);
  const a = account.first;
  const b = await account.join("phone");
  try {
    expectOk(a.vault.add({ fields: { title: "Before" } }));
    await a.sync();
    await b.sync();
    const next = "a new and longer master password";
    expectOk(await a.client.changePassword(PASSWORD, next));
    await a.sync(); // A's own session goes on

    const refused = await b.client.syncOnce();
    assert.deepEqual(refused.ok ? "synced" : refused.error.kind, "unauthorized");

    b.vault.lock();
    const again = expectOk(
      await loginExistingDevice({
        home: b.home.path,
        address: account.address,
        password: next,
        secretKey: expectOk(parseSecretKey(account.secretKey)),
        server: await endpointOf(server),
        deviceName: "phone",
        deps: cheapDeps(),
      }),
    );
    try {
      expectOk(a.vault.add({ fields: { title: "After" } }));
      await a.sync();
      const client = createSyncClient(again, await endpointOf(server));
      expectOk(await client.syncOnce());
      assert.deepEqual(
        again
          .list()
          .map((i) => i.title)
          .sort(),
        ["After", "Before"],
      );
    } finally {
      again.lock();
    }
    const old = await unlockVault({
      home: b.home.path,
      address: account.address,
      password: PASSWORD,
      deps: cheapDeps(),
    });
    assert.equal(old.ok ? "opened" : old.error.kind, "wrong-credentials");
    const current = expectOk(
      await unlockVault({
        home: b.home.path,
        address: account.address,
        password: next,
        deps: cheapDeps(),
      }),
    );
    current.lock();
  } finally {
    closeDevices(a, b);
  }
});
