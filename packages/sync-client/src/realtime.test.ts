/** Live sync: a watching device applies another device's edit as soon as the server's head moves. */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { unlockVault } from "@keypears/vault";
import { cheapDeps, expectOk } from "@keypears/vault/testing";
import { closeDevices, createSyncedAccount, PASSWORD, startSyncServer } from "./testing/harness.ts";

const test = boundedTest();

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

// What the watcher does at once takes tens of ms. The bound leaves room for a loaded machine,
// where 1 s was tight, and stays far below the 60 s poll and file check the tests set, so only
// the head notice or the commit can meet it.
const PROMPTLY_MS = 10_000;

const waitFor = async (condition: () => boolean, timeoutMs: number): Promise<number> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
};

test("a watching device applies an edit made on another device at once, and keeps following", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  const phone = await account.join("phone");
  cleanups.push(() => closeDevices(laptop, phone));
  const controller = new AbortController();
  const connected = new Promise<void>((resolve) => {
    void phone.client
      .watch({
        signal: controller.signal,
        onConnection: (state) => state === "connected" && resolve(),
        pollMs: 60_000,
      })
      .then((stopped) =>
        assert.equal(stopped, undefined, "the watch stopped only because it was asked to"),
      );
  });
  await connected;
  for (const title of ["First", "Second", "Third"]) {
    expectOk(laptop.vault.add({ fields: { title } }));
    await laptop.sync();
    const elapsed = await waitFor(
      () => phone.vault.list().some((item) => item.title === title),
      PROMPTLY_MS,
    );
    assert.ok(elapsed < PROMPTLY_MS, `${title} arrived after ${elapsed} ms`);
  }
  controller.abort();
});

test("a watching device pushes a change made through its vault at once, with no timer", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server);
  const device = account.first;
  cleanups.push(() => closeDevices(device));
  const controller = new AbortController();
  const connected = new Promise<void>((resolve) => {
    void device.client.watch({
      signal: controller.signal,
      onConnection: (state) => state === "connected" && resolve(),
      fileCheckMs: 60_000,
      pollMs: 60_000,
    });
  });
  await connected;
  expectOk(device.vault.add({ fields: { title: "Typed while watching" } }));
  await waitFor(() => device.vault.sync.status().verifiedEvents === 1, PROMPTLY_MS);
  // Changes made in one transaction are pushed once it commits, and a rolled-back one never.
  assert.throws(() =>
    device.vault.transact(() => {
      expectOk(device.vault.add({ fields: { title: "Rolled back" } }));
      throw new Error("abandon");
    }),
  );
  device.vault.transact(() => {
    expectOk(device.vault.add({ fields: { title: "One" } }));
    expectOk(device.vault.add({ fields: { title: "Two" } }));
  });
  await waitFor(() => device.vault.sync.status().verifiedEvents === 3, PROMPTLY_MS);
  assert.equal(device.vault.sync.status().pending, 0);
  controller.abort();
});

test("a watching device pushes a change another process committed to its vault file, told by the file system", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server);
  const device = account.first;
  // A second connection to the same file stands for `keypears edit` in another terminal.
  const editor = expectOk(
    await unlockVault({
      home: device.home.path,
      address: account.address,
      password: PASSWORD,
      deps: cheapDeps(),
    }),
  );
  cleanups.push(() => {
    closeDevices(device);
    editor.lock();
  });
  const controller = new AbortController();
  let synced = 0;
  let connected = false;
  void device.client.watch({
    signal: controller.signal,
    onConnection: (state) => (connected = state === "connected"),
    onSync: () => synced++,
    pollMs: 60_000,
    fileCheckMs: 60_000,
  });
  // Connected and done with the first sync: from here only a look at the file can find the edit.
  await waitFor(() => connected && synced > 0, PROMPTLY_MS);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const syncsBefore = synced;
  expectOk(editor.add({ fields: { title: "Typed in another terminal" } }));
  const elapsed = await waitFor(() => device.vault.sync.status().verifiedEvents === 1, PROMPTLY_MS);
  assert.ok(elapsed < PROMPTLY_MS, `pushed after ${elapsed} ms`);
  assert.ok(synced > syncsBefore);
  controller.abort();
});

test("watching survives the server going away and coming back", async () => {
  const server = await startSyncServer();
  const account = await createSyncedAccount(server);
  const device = account.first;
  cleanups.push(() => closeDevices(device));
  const states: string[] = [];
  const controller = new AbortController();
  const watching = device.client.watch({
    signal: controller.signal,
    onConnection: (state) => states.push(state),
    pollMs: 100,
    maxBackoffMs: 200,
  });
  await waitFor(() => states.includes("connected"), PROMPTLY_MS);
  await server.close();
  await waitFor(() => states.includes("disconnected"), PROMPTLY_MS);
  // Waiting in the outbox: still pending, or sent by a push attempt the outage failed (the
  // watcher pushes on commit; whether it tried before the abort is a race), never set aside.
  const waiting = () => device.vault.sync.status().pending + device.vault.sync.status().sent;
  const waitingBefore = waiting();
  expectOk(device.vault.add({ fields: { title: "Written during the outage" } }));
  controller.abort();
  assert.equal(await watching, undefined, "an outage is not a reason to stop");
  const status = device.vault.sync.status();
  // One more for the change; a push attempt may also have queued this device's enrolment first.
  assert.ok(waiting() >= waitingBefore + 1, "the change waits in the outbox");
  assert.equal(status.rejected, 0, "an outage is not a refusal");
});
