/**
 * The pipelined sync (batch n+1 read while the server orders batch n; page n+1 fetched while
 * page n is verified and applied) keeps the order and the result of a sync one step at a time:
 * the server holds this device's events in its outbox order, and another device pulling small
 * pages ends with the same vault. Real server over HTTP, binary frames on the wire.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { expectOk } from "@keypears/vault/testing";
import { closeDevices, createSyncedAccount, startSyncServer } from "./testing/harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test("batches reach the server in outbox order, and small pages pulled ahead apply to the same vault", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop", pushBatch: 3, pullPage: 4 });
  const laptop = account.first;
  cleanups.push(() => closeDevices(laptop));
  for (let i = 0; i < 20; i++) expectOk(laptop.vault.add({ fields: { title: `item ${i}` } }));
  // The outbox's own events, in its order (batch events, which sign them, are made per request).
  const isBatch = (payload: Uint8Array) => payload[0] === 2 && payload[1] === 3;
  const queued = expectOk(laptop.vault.sync.pending(1000))
    .filter((event) => !isBatch(event.payload))
    .map((event) => event.id);
  assert.equal(queued.length, 21, "the enrolment and twenty items");

  const pushed = await laptop.client.syncOnce();
  assert.ok(pushed.ok, JSON.stringify(pushed));
  assert.equal(pushed.value.pushed, 20);
  const served = await laptop.vault.sync.eventStore.readAfter(laptop.vault.vaultId, 0, 1000);
  assert.deepEqual(
    served.filter((event) => !isBatch(event.payload)).map((event) => event.id),
    queued,
    "the log holds the outbox's events in its order",
  );
  // Requests of three: the enrolment alone (the batch read above covers all twenty and does not
  // fit beside it), then ten of a batch event and two changes, each batch ahead of its changes.
  assert.deepEqual(
    served.map((event) => (isBatch(event.payload) ? "B" : "e")).join(""),
    "e" + "Bee".repeat(10),
  );

  const phone = await account.join("phone", { pullPage: 4 });
  cleanups.push(() => closeDevices(phone));
  const pulled = await phone.client.syncOnce();
  assert.ok(pulled.ok, JSON.stringify(pulled));
  const titles = (vault: typeof laptop.vault) =>
    vault
      .list()
      .map((item) => item.title)
      .sort();
  assert.deepEqual(titles(phone.vault), titles(laptop.vault));
  assert.equal(titles(phone.vault).length, 20);
  // The laptop's 31 events, then the phone's own enrolment.
  assert.equal(phone.vault.sync.verified().position, 32);
});
