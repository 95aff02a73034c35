/**
 * The password-wrapped copy of the epoch keys (docs/PROTOCOL.md 16.7), against a real server over
 * real HTTP: after A revokes B and rotates the vault key, a device C that signs in later with the
 * password and Secret Key reads every epoch, and so does a device D after a password change.
 */

import assert from "node:assert/strict";
import { after, before } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { parseSecretKey } from "@keypears/crypto";
import type { RunningServer } from "@keypears/server";
import { cheapDeps, createTestHome, expectOk } from "@keypears/vault/testing";
import type { Vault } from "@keypears/vault";
import { loginNewDevice } from "./node-onboarding.ts";
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

const titles = (vault: Vault) =>
  vault
    .list()
    .map((i) => i.title)
    .sort();

test("a device that signs in after a revocation reads every epoch; after passwd, one with the new password does too", async () => {
  const account = await createSyncedAccount(server);
  const a = account.first;
  const b = await account.join("lost laptop");
  const e = await account.join("phone");
  const homes = [createTestHome(), createTestHome()];
  const opened: Vault[] = [];
  try {
    expectOk(a.vault.add({ fields: { title: "Before" } }));
    await a.sync();
    await b.sync();
    await e.sync();
    await a.sync();
    // A revokes B: revoke + rekey in one push; epoch 1 starts.
    expectOk(a.vault.sync.writeRosterEvent({ kind: "revoke", deviceId: b.vault.deviceId }));
    await a.sync();
    assert.equal(a.vault.sync.keyEpochs().sealing, 1);
    expectOk(a.vault.add({ fields: { title: "After the revoke" } }));
    await a.sync();
    // The rekey is ordered and verified: A publishes the copy with both epochs' keys, once.
    assert.deepEqual(expectOk(await a.client.publishEpochKeys(PASSWORD)), true);
    assert.deepEqual(expectOk(await a.client.publishEpochKeys(PASSWORD)), false);
    await a.sync(); // A's own sync still passes its account check
    // E, still enrolled, got epoch 1 by delivery; its sync accepts the re-wrapped key (same salt),
    // and it finds the server's copy current, so it publishes nothing (and derives no key).
    await e.sync();
    assert.equal(e.vault.sync.keyEpochs().sealing, 1);
    assert.deepEqual(expectOk(await e.client.publishEpochKeys("not even the password")), false);

    const secretKey = expectOk(parseSecretKey(account.secretKey));
    const signIn = async (home: string, name: string, password: string) => {
      const vault = expectOk(
        await loginNewDevice({
          home,
          address: account.address,
          password,
          secretKey,
          server: await endpointOf(server),
          deviceName: name,
          deps: cheapDeps(),
        }),
      );
      opened.push(vault);
      const report = expectOk(await createSyncClient(vault, await endpointOf(server)).syncOnce());
      return { vault, report };
    };
    const c = await signIn(homes[0]!.path, "new laptop", PASSWORD);
    assert.deepEqual(c.report.quarantined, [], "nothing quarantined on C");
    assert.deepEqual(titles(c.vault), ["After the revoke", "Before"]);
    assert.deepEqual(c.vault.sync.keyEpochs(), { sealing: 1, known: [0, 1] });

    // passwd on A re-wraps every epoch's key under the new password.
    const next = "a new and longer master password";
    expectOk(await a.client.changePassword(PASSWORD, next));
    expectOk(a.vault.add({ fields: { title: "After passwd" } }));
    await a.sync();
    const d = await signIn(homes[1]!.path, "desktop", next);
    assert.deepEqual(d.report.quarantined, [], "nothing quarantined on D");
    assert.deepEqual(titles(d.vault), ["After passwd", "After the revoke", "Before"]);
    assert.deepEqual(d.vault.sync.keyEpochs(), { sealing: 1, known: [0, 1] });
  } finally {
    for (const vault of opened) vault.lock();
    for (const home of homes) home.remove();
    closeDevices(a, b, e);
  }
});
