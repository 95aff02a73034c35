/**
 * The round trips a push costs with `syncOnce`: the account check is made on a client's first sync
 * and after a failed one, not before every sync; a push the server answers with nothing but this
 * device's events right after its checkpoint is confirmed from the answer, without pulling them
 * back, and a push with another device's change before it is pulled back as before. Real server
 * over HTTP; the requests are counted by the client's `fetch`.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesEqual } from "@keypears/base";
import { expectOk } from "@keypears/vault/testing";
import { createSyncClient } from "./sync-client.ts";
import { ACKNOWLEDGE_EVERY } from "./sync-engine.ts";
import {
  closeDevices,
  createSyncedAccount,
  endpointOf,
  serverForFile,
  type TestDevice,
} from "./testing/harness.ts";

const file = serverForFile();
const { cleanups } = file;

/** A client of `device`'s vault whose requests are listed (method and path) and can be cut off. */
const countedClient = async (device: TestDevice) => {
  const requests: string[] = [];
  const network = { down: false };
  const client = createSyncClient(device.vault, await endpointOf(file.server), {
    fetch: async (input, init) => {
      const request = new Request(input, init);
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
      if (network.down) throw new TypeError("fetch failed");
      return fetch(request);
    },
  });
  const count = (pattern: RegExp) => requests.filter((r) => pattern.test(r)).length;
  return { client, requests, network, count };
};

const ACCOUNT_CHECK = /^GET .*\/account$/;
const PULL = /^GET .*\/vaults\/[^/]+\/events(\/frames)?$/;

test("a sync client checks the account on its first sync and after a failed one, not before every sync", async () => {
  const { first: a } = await createSyncedAccount(file.server);
  cleanups.push(() => closeDevices(a));
  const { client, network, count, requests } = await countedClient(a);
  expectOk(a.vault.add({ fields: { title: "One" } }));
  expectOk(await client.syncOnce());
  assert.equal(count(ACCOUNT_CHECK), 1, requests.join(" "));
  expectOk(a.vault.add({ fields: { title: "Two" } }));
  expectOk(await client.syncOnce());
  assert.equal(count(ACCOUNT_CHECK), 1, "a second sync asks no account check");
  network.down = true;
  const failed = await client.syncOnce();
  assert.equal(failed.ok ? "" : failed.error.kind, "unreachable");
  network.down = false;
  expectOk(await client.syncOnce());
  assert.equal(count(ACCOUNT_CHECK), 2, "the sync after a failed one checks again");
  expectOk(await client.syncOnce());
  assert.equal(count(ACCOUNT_CHECK), 2);
});

test("a push answered with nothing but this device's events after its checkpoint is confirmed without a pull", async () => {
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  cleanups.push(() => closeDevices(a));
  expectOk(await a.client.syncOnce());
  const { client, count, requests } = await countedClient(a);
  expectOk(await client.syncOnce());
  const pullsBefore = count(PULL);
  const before = a.vault.sync.verified().position;
  expectOk(a.vault.add({ fields: { title: "One" } }));
  expectOk(a.vault.add({ fields: { title: "Two" } }));
  const synced = expectOk(await client.syncOnce());
  assert.equal(synced.pushed, 2);
  assert.equal(count(PULL), pullsBefore, `no pull back: ${requests.join(" ")}`);
  // Verified and placed as a pull would have: the checkpoint is the server's head, no promise
  // waits. The push: the batch event that signs the two changes, then them (docs/PROTOCOL.md 18.4).
  assert.equal(synced.verified.position, before + 3);
  const head = expectOk(await client.head());
  assert.equal(head.position, synced.verified.position);
  assert.ok(bytesEqual(head.hash, synced.verified.hash));
  assert.deepEqual(a.vault.sync.promised(), []);
  // The next pull starts from that checkpoint and agrees with the server's chain there.
  const b = await account.join("b");
  cleanups.push(() => closeDevices(b));
  expectOk(b.vault.add({ fields: { title: "From b" } }));
  await b.sync();
  expectOk(await client.syncOnce());
  assert.deepEqual(
    a.vault
      .list()
      .map((item) => item.title)
      .sort(),
    ["From b", "One", "Two"],
  );
});

test("a push placed after another device's change pulls it back and verifies it", async () => {
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  cleanups.push(() => closeDevices(a));
  expectOk(await a.client.syncOnce());
  const b = await account.join("b");
  cleanups.push(() => closeDevices(b));
  const { client, count } = await countedClient(a);
  expectOk(await client.syncOnce());
  const pullsBefore = count(PULL);
  expectOk(b.vault.add({ fields: { title: "From b" } }));
  await b.sync();
  expectOk(a.vault.add({ fields: { title: "From a" } }));
  const synced = expectOk(await client.syncOnce());
  assert.equal(count(PULL), pullsBefore + 1);
  assert.equal(synced.pulled, 1);
  assert.deepEqual(
    a.vault
      .list()
      .map((item) => item.title)
      .sort(),
    ["From a", "From b"],
  );
  assert.deepEqual(a.vault.sync.promised(), []);
});

test("a push of several batches confirms each from its answer, and pulls nothing back", async () => {
  const { first: a } = await createSyncedAccount(file.server);
  cleanups.push(() => closeDevices(a));
  expectOk(await a.client.syncOnce());
  const requests: string[] = [];
  const client = createSyncClient(a.vault, await endpointOf(file.server), {
    pushBatch: 3,
    fetch: (input, init) => {
      const request = new Request(input, init);
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
      return fetch(request);
    },
  });
  for (let i = 0; i < 10; i++) expectOk(a.vault.add({ fields: { title: `Item ${i}` } }));
  const before = a.vault.sync.verified().position;
  const synced = expectOk(await client.syncOnce());
  assert.equal(synced.pushed, 10);
  // Requests of three events: a batch event and the two changes it signs (docs/PROTOCOL.md 18.4).
  assert.equal(requests.filter((r) => /^POST .*\/events(\/frames)?$/.test(r)).length, 5);
  assert.equal(requests.filter((r) => PULL.test(r)).length, 0, requests.join(" "));
  assert.equal(synced.verified.position, before + 15);
  assert.equal(expectOk(await client.head()).position, before + 15);
  const status = a.vault.sync.status();
  assert.deepEqual([status.pending, status.sent, status.ordered], [0, 0, 0]);
  assert.equal(a.vault.list().length, 10);
});

test("a device that only pushes still pulls once its confirmed events reach ACKNOWLEDGE_EVERY, so the server learns how far it holds the log", async () => {
  const { first: a } = await createSyncedAccount(file.server);
  cleanups.push(() => closeDevices(a));
  expectOk(await a.client.syncOnce());
  const { client, count, requests } = await countedClient(a);
  a.vault.transact(() => {
    for (let i = 0; i < ACKNOWLEDGE_EVERY; i++)
      expectOk(a.vault.add({ fields: { title: `Item ${i}` } }));
  });
  expectOk(await client.syncOnce());
  assert.equal(count(PULL), 0, `confirmed from the answers: ${requests.join(" ")}`);
  expectOk(a.vault.add({ fields: { title: "One more" } }));
  const acknowledged = expectOk(await client.syncOnce());
  assert.equal(count(PULL), 1, "a pull tells the server how far this device holds the log");
  assert.equal(acknowledged.verified.position, expectOk(await client.head()).position);
  expectOk(a.vault.add({ fields: { title: "And another" } }));
  expectOk(await client.syncOnce());
  assert.equal(count(PULL), 1, "confirmed from the answer again");
  // A new client of the vault (the next CLI command) knows where the last pull was.
  const next = await countedClient(a);
  expectOk(a.vault.add({ fields: { title: "Later" } }));
  expectOk(await next.client.syncOnce());
  assert.equal(next.count(PULL), 0);
});

test("a head asked for before another sync of the vault moved its checkpoint is asked again, not taken for a server restored from a backup", async () => {
  const { first: a } = await createSyncedAccount(file.server);
  cleanups.push(() => closeDevices(a));
  expectOk(await a.client.syncOnce());
  // A second client of the same vault (as a browser's manual sync beside its live one): its
  // first sync asks for the head beside the account check, whose answer is held back here.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let headAnswered: () => void = () => {};
  const headSeen = new Promise<void>((resolve) => (headAnswered = resolve));
  const slow = createSyncClient(a.vault, await endpointOf(file.server), {
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      const response = await fetch(request);
      if (path.endsWith("/head")) headAnswered();
      if (ACCOUNT_CHECK.test(`${request.method} ${path}`)) await held;
      return response;
    },
  });
  const syncing = slow.syncOnce();
  await headSeen;
  // Meanwhile the first client pushes, and its push is confirmed: the checkpoint moves past the
  // head the second client holds.
  expectOk(a.vault.add({ fields: { title: "Meanwhile" } }));
  expectOk(await a.client.syncOnce());
  release();
  const synced = await syncing;
  assert.ok(synced.ok, JSON.stringify(synced));
  assert.equal(synced.value.verified.position, a.vault.sync.verified().position);
});
