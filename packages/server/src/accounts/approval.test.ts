import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { boundedIt } from "@keypears/base/testing";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  b64Signed,
  newEventId,
  registerAccount,
  signInDevice,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt(60_000);

let test: TestServer;
before(async () => {
  test = await startTestServer();
});
after(() => test.close());

describe("device approval on the server", () => {
  it("lets a new device in only once an approved device approves it", async () => {
    const laptop = await registerAccount(test);
    assert.equal(laptop.session.approval, "approved");
    assert.equal((await laptop.client.accounts.get()).requireApproval, false);
    assert.deepEqual(await laptop.client.accounts.setApproval({ required: true }), {
      required: true,
    });
    assert.equal((await laptop.client.accounts.get()).requireApproval, true);

    const phone = await signInDevice(test, laptop);
    assert.equal(phone.session.approval, "pending");
    const { vaultId } = laptop;
    const push = () =>
      phone.client.vaults.push({
        vaultId,
        events: [{ id: newEventId(), payload: b64Signed(phone.deviceId) }],
      });
    const refused = await rejectsWith(push(), "DEVICE_PENDING", 403);
    assert.deepEqual(refused.data, { deviceId: phone.deviceId });
    await rejectsWith(phone.client.vaults.pull({ vaultId, after: 0 }), "DEVICE_PENDING", 403);
    await rejectsWith(phone.client.snapshots.latest({ vaultId }), "DEVICE_PENDING", 403);
    await rejectsWith(
      phone.client.devices.revoke({ deviceId: laptop.deviceId }),
      "DEVICE_PENDING",
      403,
    );
    await rejectsWith(
      phone.client.accounts.setApproval({ required: false }),
      "DEVICE_PENDING",
      403,
    );
    await rejectsWith(
      phone.client.devices.approve({ deviceId: phone.deviceId }),
      "DEVICE_PENDING",
      403,
    );

    // Its keys, once sent, never change.
    const keys = { signingKey: b64Random(32), exchangeKey: b64Random(32) };
    await phone.client.devices.setKeys(keys);
    await phone.client.devices.setKeys(keys);
    await rejectsWith(
      phone.client.devices.setKeys({ ...keys, signingKey: b64Random(32) }),
      "DEVICE_KEYS_SET",
      409,
    );
    const listed = (await laptop.client.devices.list()).devices.find(
      (d) => d.id === phone.deviceId,
    );
    assert.deepEqual(
      [listed?.approval, listed?.signingKey, listed?.exchangeKey],
      ["pending", keys.signingKey, keys.exchangeKey],
    );

    const approved = await laptop.client.devices.approve({ deviceId: phone.deviceId });
    assert.deepEqual([approved.approval, approved.approvedBy], ["approved", laptop.deviceId]);
    await push();
    await rejectsWith(
      laptop.client.devices.approve({ deviceId: phone.deviceId }),
      "NOT_FOUND",
      404,
    );
    // Signing in again keeps the approval.
    const again = await test.client().accounts.login({
      address: laptop.address,
      authSecret: laptop.authSecret,
      device: { id: phone.deviceId, name: "phone" },
    });
    assert.equal(again.approval, "approved");
  });

  it("lets a device in by recovery when no other device that may sync is left", async () => {
    const laptop = await registerAccount(test);
    await laptop.client.accounts.setApproval({ required: true });
    const pending = await signInDevice(test, laptop, "pending one");
    assert.equal(pending.session.approval, "pending");
    await laptop.client.devices.revoke({ deviceId: laptop.deviceId });
    // A pending device does not count: it could not approve anyone.
    const recovered = await signInDevice(test, laptop, "recovered");
    assert.equal(recovered.session.approval, "recovery");
    await recovered.client.vaults.pull({ vaultId: laptop.vaultId, after: 0 });
    const next = await signInDevice(test, laptop, "next");
    assert.equal(next.session.approval, "pending");
  });

  it("without the setting, every new device is approved at sign-in", async () => {
    const laptop = await registerAccount(test);
    const phone = await signInDevice(test, laptop);
    assert.equal(phone.session.approval, "approved");
    await phone.client.vaults.pull({ vaultId: laptop.vaultId, after: 0 });
  });
});
