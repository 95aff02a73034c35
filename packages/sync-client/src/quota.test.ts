/**
 * A server's per-account storage quota is explained, not mistaken for a refused change: sync stops
 * with a message that names the quota, every change stays queued on the device (none is set aside
 * as rejected), and a server with room takes them all. Real server over HTTP.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { expectOk } from "@keypears/vault/testing";
import { describeSyncError } from "./sync-error.ts";
import { closeDevices, createSyncedAccount, startSyncServer } from "./testing/harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test("over the storage quota, sync says so and keeps every change queued", async () => {
  const server = await startSyncServer({ kind: "memory" }, [], {}, { maxStoredBytes: 16 * 1024 });
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  cleanups.push(() => closeDevices(laptop));
  for (let i = 0; i < 10; i++) {
    expectOk(
      laptop.vault.add({ type: "note", fields: { title: `n${i}`, notes: "x".repeat(3000) } }),
    );
  }
  const failed = await laptop.client.syncOnce();
  assert.ok(!failed.ok);
  assert.equal(failed.error.kind, "rejected");
  assert.match(describeSyncError(failed.error), /storage quota/);
  assert.match(describeSyncError(failed.error), /saved on this device/);
  assert.deepEqual(laptop.vault.sync.rejected(), []);
  assert.equal(laptop.vault.sync.status().rejected, 0);
});
