/**
 * A snapshot that is not stored, or that a new device cannot use, never stops a sync, but it is
 * never silent either: the sync's report says so (and the CLI and the web app show it), because
 * without a snapshot every new device replays the whole log.
 */

import assert from "node:assert/strict";
import { after } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { expectOk } from "@keypears/vault/testing";
import { describeSnapshotNotice } from "./sync-error.ts";
import type { SyncReport } from "./sync-engine.ts";
import {
  closeDevices,
  createSyncedAccount,
  startSyncServer,
  type TestDevice,
} from "./testing/harness.ts";

const test = boundedTest(120_000);

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const syncReport = async (device: TestDevice): Promise<SyncReport> =>
  expectOk(await device.client.syncOnce());

/** A fetch that counts snapshot uploads, and fails them at the network while `failing` is set. */
const snapshotUploads = () => {
  const state = { count: 0, failing: false };
  const wrapped: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (request.method === "POST" && new URL(request.url).pathname.endsWith("/snapshots/frames")) {
      state.count++;
      if (state.failing) throw new TypeError("fetch failed: connection reset");
    }
    return fetch(request);
  };
  return { state, fetch: wrapped };
};

test("a snapshot the server refuses for good is reported, and not sent again until the log has grown as much again", async () => {
  const server = await startSyncServer({ kind: "memory" }, [], { maxSnapshotBytes: 64 });
  cleanups.push(() => server.close());
  const uploads = snapshotUploads();
  const account = await createSyncedAccount(server, { snapshotEvery: 3, fetch: uploads.fetch });
  const a = account.first;
  cleanups.push(() => closeDevices(a));
  for (const title of ["One", "Two", "Three"]) expectOk(a.vault.add({ fields: { title } }));

  const first = await syncReport(a);
  assert.equal(first.pushed, 3);
  assert.equal(uploads.state.count, 1);
  assert.equal(first.snapshot?.kind, "not-stored");
  assert.ok(first.snapshot?.kind === "not-stored" && !first.snapshot.retry);
  const said = describeSnapshotNotice(first.snapshot);
  assert.match(said, /not stored on the server/);
  assert.match(said, /the limit is 64/);
  assert.match(said, /new devices will replay the whole history/);
  assert.equal(first.snapshotStored, undefined);

  // Each try seals and uploads the whole vault: not again on every sync.
  expectOk(a.vault.add({ fields: { title: "Four" } }));
  const second = await syncReport(a);
  assert.equal(second.pushed, 1);
  assert.equal(uploads.state.count, 1);
  assert.equal(second.snapshot, undefined);

  // Once the log has grown by `snapshotEvery` again, it is tried (and refused) again.
  for (const title of ["Five", "Six"]) expectOk(a.vault.add({ fields: { title } }));
  const third = await syncReport(a);
  assert.equal(uploads.state.count, 2);
  assert.equal(third.snapshot?.kind, "not-stored");
});

test("a snapshot upload that fails at the network is reported and sent at the next sync; a new device then starts from it", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const uploads = snapshotUploads();
  const account = await createSyncedAccount(server, { snapshotEvery: 2, fetch: uploads.fetch });
  const a = account.first;
  cleanups.push(() => closeDevices(a));
  for (const title of ["One", "Two"]) expectOk(a.vault.add({ fields: { title } }));

  uploads.state.failing = true;
  const failed = await syncReport(a);
  assert.equal(failed.pushed, 2);
  assert.ok(failed.snapshot?.kind === "not-stored" && failed.snapshot.retry);
  assert.match(describeSnapshotNotice(failed.snapshot), /cannot reach the server/);
  assert.match(describeSnapshotNotice(failed.snapshot), /until a later sync stores one/);

  uploads.state.failing = false;
  const retried = await syncReport(a);
  assert.equal(retried.pushed, 0);
  assert.equal(uploads.state.count, 2);
  assert.equal(retried.snapshot, undefined);
  // The report says it was stored, and where: the notice before it no longer holds.
  assert.equal(retried.snapshotStored, retried.verified.position);
  assert.equal(failed.snapshotStored, undefined);

  const b = await account.join("new", { snapshotEvery: 2, fetch: uploads.fetch });
  cleanups.push(() => closeDevices(b));
  const joined = await syncReport(b);
  assert.equal(joined.pulled, 0, "the new device started from the snapshot");
  assert.equal(joined.snapshot, undefined);
  assert.deepEqual(
    b.vault
      .list()
      .map((i) => i.title)
      .sort(),
    ["One", "Two"],
  );
  // It holds a snapshot at this position already, so it does not upload the same one again.
  assert.equal(uploads.state.count, 2);
  assert.equal(joined.snapshotStored, undefined);
});
