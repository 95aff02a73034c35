/** Signing a device in again: after the master password changed on another device, or a session ended. */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { parseSecretKey } from "@keypears/crypto";
import { unlockVault } from "@keypears/vault";
import { cheapDeps, expectOk } from "@keypears/vault/testing";
import { followPasswordChange, loginExistingDevice } from "./node-onboarding.ts";
import { credentialsChangedOnServer } from "./onboarding.ts";
import { createSyncClient } from "./sync-client.ts";
import {
  closeDevices,
  createSyncedAccount,
  endpointOf,
  PASSWORD,
  startSyncServer,
} from "./testing/harness.ts";

const test = boundedTest();

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test("after the password changed on another device, this device stops syncing, then signs in again with the new one and keeps its unsynced work", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  const phone = await account.join("phone");
  cleanups.push(() => closeDevices(laptop, phone));
  expectOk(laptop.vault.add({ fields: { title: "Shared" } }));
  await laptop.sync();
  await phone.sync();

  expectOk(phone.vault.add({ fields: { title: "Written offline on the phone" } }));
  const NEW = "a brand new master password";
  expectOk(await laptop.client.changePassword(PASSWORD, NEW));

  // A password change ends every other session (docs/PROTOCOL.md 16): the phone's is gone.
  const refused = await phone.client.syncOnce();
  assert.equal(refused.ok ? "" : refused.error.kind, "unauthorized");
  phone.vault.lock();

  const secretKey = expectOk(parseSecretKey(account.secretKey));
  const input = {
    home: phone.home.path,
    address: account.address,
    secretKey,
    server: await endpointOf(server),
    deviceName: "phone",
    deps: cheapDeps(),
  };
  const withOld = await loginExistingDevice({ ...input, password: PASSWORD });
  assert.equal(withOld.ok ? "" : withOld.error.kind, "wrong-credentials");
  const again = expectOk(await loginExistingDevice({ ...input, password: NEW }));
  assert.equal(again.deviceId, phone.vault.deviceId, "the device keeps its id");
  assert.equal(again.sync.status().pending, 1, "the unsynced change is still there");
  expectOk(await createSyncClient(again, await endpointOf(server)).syncOnce());
  await laptop.sync();
  assert.deepEqual(
    laptop.vault
      .list()
      .map((i) => i.title)
      .sort(),
    ["Shared", "Written offline on the phone"],
  );
  again.lock();

  const unlocked = expectOk(
    await unlockVault({
      home: phone.home.path,
      address: account.address,
      password: NEW,
      deps: cheapDeps(),
    }),
  );
  unlocked.lock();
  const old = await unlockVault({
    home: phone.home.path,
    address: account.address,
    password: PASSWORD,
    deps: cheapDeps(),
  });
  assert.equal(old.ok ? "" : old.error.kind, "wrong-credentials");
});

test("followPasswordChange: the Secret Key comes from the device's own file, and a wrong new password changes nothing", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  const phone = await account.join("phone");
  cleanups.push(() => closeDevices(laptop, phone));
  const endpoint = await endpointOf(server);
  assert.equal(expectOk(await credentialsChangedOnServer(phone.vault, endpoint)), false);
  const NEW = "a brand new master password";
  expectOk(await laptop.client.changePassword(PASSWORD, NEW));
  assert.equal(expectOk(await credentialsChangedOnServer(phone.vault, endpoint)), true);
  const deviceId = phone.vault.deviceId;
  phone.vault.lock();

  const input = {
    home: phone.home.path,
    address: account.address,
    server: endpoint,
    deviceName: "phone",
    currentPassword: PASSWORD,
    deps: cheapDeps(),
  };
  const wrong = await followPasswordChange({ ...input, newPassword: "not the new password" });
  assert.equal(wrong.ok ? "" : wrong.error.kind, "wrong-credentials");
  const stillOld = expectOk(
    await unlockVault({
      home: phone.home.path,
      address: account.address,
      password: PASSWORD,
      deps: cheapDeps(),
    }),
  );
  stillOld.lock();

  const followed = expectOk(await followPasswordChange({ ...input, newPassword: NEW }));
  assert.equal(followed.deviceId, deviceId, "the same device");
  expectOk(await createSyncClient(followed, endpoint).syncOnce());
  followed.lock();
  const old = await unlockVault({
    home: phone.home.path,
    address: account.address,
    password: PASSWORD,
    deps: cheapDeps(),
  });
  assert.equal(old.ok ? "" : old.error.kind, "wrong-credentials");
});
