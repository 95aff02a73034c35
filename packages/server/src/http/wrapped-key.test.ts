import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  registerAccount,
  signInDevice,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt();

let test: TestServer;
before(async () => {
  test = await startTestServer();
});
after(() => test.close());

const storedKey = async (
  client: TestServer["client"] extends (t?: string) => infer C ? C : never,
) => (await client.vaults.list()).vaults[0]?.wrappedVaultKey;

describe("PUT /vaults/{vaultId}/wrapped-key (docs/PROTOCOL.md 16.7)", () => {
  it("a device of the account replaces the wrapped key; every session is kept", async () => {
    const account = await registerAccount(test);
    const phone = await signInDevice(test, account);
    const previous = await storedKey(account.client);
    assert.ok(previous !== undefined);
    const next = b64Random(5 + 32 * 3 + 41);
    assert.deepEqual(
      await phone.client.vaults.replaceWrappedKey({
        vaultId: account.vaultId,
        previous,
        wrappedVaultKey: next,
      }),
      { ok: true },
    );
    assert.equal(await storedKey(account.client), next);
    assert.equal(await storedKey(phone.client), next);
  });

  it("refuses a stale `previous` (a password changed meanwhile) and changes nothing", async () => {
    const account = await registerAccount(test);
    const current = await storedKey(account.client);
    await rejectsWith(
      account.client.vaults.replaceWrappedKey({
        vaultId: account.vaultId,
        previous: b64Random(72),
        wrappedVaultKey: b64Random(100),
      }),
      "WRAPPED_KEY_CHANGED",
      409,
    );
    assert.equal(await storedKey(account.client), current);
  });

  it("refuses another account's vault, a revoked device and a pending one", async () => {
    const account = await registerAccount(test);
    const other = await registerAccount(test);
    const previous = (await storedKey(account.client)) as string;
    const attempt = { vaultId: account.vaultId, previous, wrappedVaultKey: b64Random(100) };
    await rejectsWith(other.client.vaults.replaceWrappedKey(attempt), "FORBIDDEN", 403);

    const phone = await signInDevice(test, account);
    await account.client.devices.revoke({ deviceId: phone.deviceId });
    await rejectsWith(phone.client.vaults.replaceWrappedKey(attempt), "UNAUTHORIZED", 401);

    await account.client.accounts.setApproval({ required: true });
    const pending = await signInDevice(test, account, "pending");
    assert.equal(pending.session.approval, "pending");
    await rejectsWith(pending.client.vaults.replaceWrappedKey(attempt), "DEVICE_PENDING", 403);
    assert.equal(await storedKey(account.client), previous);
  });
});
