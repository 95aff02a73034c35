/** Live sync: a watching device applies another device's edit as soon as the server's head moves. */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { expectOk } from "@keypears/vault/testing";
import { closeDevices, createSyncedAccount, startSyncServer } from "./testing/harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const waitFor = async (condition: () => boolean, timeoutMs: number): Promise<number> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
};

test("a watching device applies an edit made on another device within a second, and keeps following", async () => {
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
      1000,
    );
    assert.ok(elapsed < 1000, `${title} arrived after ${elapsed} ms`);
  }
  controller.abort();
});

test("a watching device pushes its own local changes without being asked", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server);
  const device = account.first;
  cleanups.push(() => closeDevices(device));
  const controller = new AbortController();
  void device.client.watch({ signal: controller.signal, outboxCheckMs: 50 });
  expectOk(device.vault.add({ fields: { title: "Typed while watching" } }));
  await waitFor(() => device.vault.sync.status().verifiedEvents === 1, 3000);
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
  await waitFor(() => states.includes("connected"), 3000);
  await server.close();
  await waitFor(() => states.includes("disconnected"), 3000);
  expectOk(device.vault.add({ fields: { title: "Written during the outage" } }));
  controller.abort();
  assert.equal(await watching, undefined, "an outage is not a reason to stop");
  assert.equal(device.vault.sync.status().pending, 1, "the change waits in the outbox");
});
