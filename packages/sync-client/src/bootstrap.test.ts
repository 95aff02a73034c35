/**
 * A new device starts from the latest snapshot of a vault with 10,000 items and 100,000 events,
 * plus the events after it, and ends with exactly the state of the devices that lived through it.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import type { Vault } from "@keypears/vault";
import { expectOk } from "@keypears/vault/testing";
import { closeDevices, createSyncedAccount, startSyncServer } from "./testing/harness.ts";

const test = boundedTest(540_000);

const ITEMS = 10_000;
const EVENTS = 100_000;

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Every item with its current fields, and the full history of a sample of them. */
const stateOf = (vault: Vault, sample: readonly string[]) => ({
  items: [...vault.list(), ...vault.list({ trash: true })]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((item) => [item.id, item.status, item.fields.map((f) => [f.name, f.value])]),
  histories: sample.map((id) =>
    expectOk(vault.history(id)).fields.map((f) => [
      f.name,
      f.entries.map((e) => [e.eventId, e.value]),
    ]),
  ),
});

test(`a new device bootstraps from a snapshot of ${ITEMS} items and ${EVENTS} events to the same state`, async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, {
    name: "old",
    pushBatch: 1000,
    pullPage: 5000,
  });
  const old = account.first;
  cleanups.push(() => closeDevices(old));

  const ids: string[] = [];
  old.vault.transact(() => {
    for (let i = 0; i < ITEMS; i++)
      ids.push(
        expectOk(old.vault.add({ fields: { title: `Item ${i}`, username: `user${i}` } })).id,
      );
  });
  const fields = ["password", "notes", "username", "urls"] as const;
  for (let round = 0; round < EVENTS / ITEMS - 1; round++) {
    old.vault.transact(() => {
      ids.forEach((id, i) => {
        const field = fields[(round + i) % fields.length] as string;
        expectOk(
          old.vault.edit(id, {
            [field]:
              field === "urls" ? [`https://${round}-${i}.example`] : `${field}-${round}-${i}`,
          }),
        );
      });
    });
  }
  expectOk(old.vault.trash(ids[0] as string));
  await old.sync(); // pushes everything, pulls it back verified, and writes a snapshot
  const verified = old.vault.sync.verified().position;
  // Position 1 is the old device's enrolment in the roster (docs/PROTOCOL.md 16.4), then the
  // events, then the trash, with a batch event ahead of each request's changes (18.4): each
  // request of 1,000 holds a batch event and 999 other events.
  const batches = Math.ceil((EVENTS + 2) / 999);
  assert.equal(verified, EVENTS + 2 + batches);

  expectOk(old.vault.edit(ids[1] as string, { notes: "after the snapshot" }));
  await old.sync();

  const started = Date.now();
  const fresh = await account.join("new", { pullPage: 5000 });
  cleanups.push(() => closeDevices(fresh));
  await fresh.sync();
  const bootstrapMs = Date.now() - started;
  // The edit after the snapshot (and its batch event), then the new device's own enrolment.
  assert.equal(fresh.vault.sync.verified().position, verified + 3);
  const replayed = await fresh.vault.sync.eventStore.readAfter(fresh.vault.vaultId, 0, 10);
  assert.deepEqual(
    replayed.map((e) => e.position),
    [verified + 1, verified + 2, verified + 3],
    "only the events after the snapshot were pulled, not the log",
  );

  const sample = [ids[0], ids[1], ids[2], ids[ITEMS / 2], ids[ITEMS - 1]] as string[];
  assert.deepEqual(stateOf(fresh.vault, sample), stateOf(old.vault, sample));

  expectOk(fresh.vault.edit(ids[3] as string, { notes: "from the new device" }));
  await fresh.sync();
  await old.sync();
  assert.equal(
    expectOk(old.vault.get(ids[3] as string)).fields.find((f) => f.name === "notes")?.value,
    "from the new device",
  );
  console.log(
    `# bootstrap of ${ITEMS} items / ${EVENTS} events from a snapshot took ${bootstrapMs} ms`,
  );
});
