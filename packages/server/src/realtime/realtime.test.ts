import type { KeypearsClient } from "@keypears/api";
import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { followStream } from "../testing/follow-stream.ts";
import {
  b64Signed,
  newEventId,
  registerAccount,
  signInDevice,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt();

let test: TestServer;
before(async () => {
  // A long grace period: a stream that held the shutdown would take a minute, far past the
  // shutdown test's bound, while a prompt shutdown on a loaded machine stays well within it.
  test = await startTestServer({ shutdownGraceMs: 60_000 });
});
after(() => test.close());

/** Pushes `n` events signed (in layout) by `device`, as the server's signer filter requires. */
const push = (device: { client: KeypearsClient; deviceId: string }, vaultId: string, n = 1) =>
  device.client.vaults.push({
    vaultId,
    events: Array.from({ length: n }, () => ({
      id: newEventId(),
      payload: b64Signed(device.deviceId),
    })),
  });

describe("head stream (in one process)", () => {
  it("sends the head at once, then each move as it happens", async () => {
    const account = await registerAccount(test);
    await push(account, account.vaultId, 2);
    const stream = await followStream(account.client, account.vaultId);
    await stream.waitForPosition(2);
    assert.equal(stream.heads[0]?.position, 2);
    const pushed = await push(account, account.vaultId, 3);
    // Nothing polls, so a head that arrives at all came from the push's notice. The wait's own
    // bound is generous: a bound of a second could be missed on a loaded machine.
    await stream.waitForPosition(5);
    assert.deepEqual(stream.heads.at(-1), pushed.head);
    await stream.stop();
  });

  it("tells every subscriber of the vault, and nobody else", async () => {
    const account = await registerAccount(test);
    const phone = await signInDevice(test, account);
    const other = await registerAccount(test);
    const laptopStream = await followStream(account.client, account.vaultId);
    const phoneStream = await followStream(phone.client, account.vaultId);
    const otherStream = await followStream(other.client, other.vaultId);
    await Promise.all([laptopStream, phoneStream, otherStream].map((s) => s.waitForPosition(0)));
    await push(phone, account.vaultId);
    await laptopStream.waitForPosition(1);
    await phoneStream.waitForPosition(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      otherStream.heads.map((h) => h.position),
      [0],
    );
    await Promise.all([laptopStream, phoneStream, otherStream].map((s) => s.stop()));
  });

  it("fails a revoked device's stream at once with UNAUTHORIZED; other devices keep theirs", async () => {
    const account = await registerAccount(test);
    const phone = await signInDevice(test, account);
    const phoneStream = await followStream(phone.client, account.vaultId);
    const laptopStream = await followStream(account.client, account.vaultId);
    await phoneStream.waitForPosition(0);
    await laptopStream.waitForPosition(0);
    await account.client.devices.revoke({ deviceId: phone.deviceId });
    await phoneStream.waitForEnd();
    assert.equal((phoneStream.error() as { code?: string }).code, "UNAUTHORIZED");
    await push(account, account.vaultId);
    await laptopStream.waitForPosition(1);
    assert.equal(laptopStream.ended(), false);
    await laptopStream.stop();
  });

  it("fails the stream of a session that signs out", async () => {
    const account = await registerAccount(test);
    const stream = await followStream(account.client, account.vaultId);
    await stream.waitForPosition(0);
    await account.client.accounts.logout();
    await stream.waitForEnd();
    assert.equal((stream.error() as { code?: string }).code, "UNAUTHORIZED");
  });

  it("ends open streams when the server shuts down, and shuts down promptly", async () => {
    const account = await registerAccount(test);
    const stream = await followStream(account.client, account.vaultId);
    await stream.waitForPosition(0);
    const started = Date.now();
    await test.close();
    await stream.waitForEnd();
    // Promptly: the open stream does not hold the shutdown for its keep-alive or the grace period.
    assert.ok(Date.now() - started < 20_000, `shutdown took ${Date.now() - started} ms`);
  });
});
