/**
 * A change the server refuses for good never blocks a device's other changes: it is set aside as
 * rejected, named with its reason, and settled by editing the item or dropping the change.
 * Real server over HTTP; the oversize changes are made with the vault's check lifted, as on a
 * device from before the check.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { MAX_SEALED_EVENT_BYTES } from "@keypears/api";
import type { Vault } from "@keypears/vault";
import { cheapDeps, expectOk } from "@keypears/vault/testing";
import { ORPCError } from "@orpc/client";
import { syncErrorFromCall } from "./server-client.ts";
import { closeDevices, createSyncedAccount, startSyncServer } from "./testing/harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const titles = (vault: Vault) =>
  vault
    .list()
    .map((item) => item.title)
    .sort();
const notesOf = (vault: Vault, ref: string) =>
  expectOk(vault.get(ref)).fields.find((f) => f.name === "notes")?.value;
const waiting = (vault: Vault) => {
  const { pending, sent, ordered, rejected } = vault.sync.status();
  return { pending, sent, ordered, rejected };
};

test("an oversize change made before the check is set aside; the changes around it and after it sync, and editing the item carries it on", async () => {
  const server = await startSyncServer();
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, {
    name: "laptop",
    deps: cheapDeps({ unsafeMaxEventBytesForTests: 1 << 20 }),
  });
  const laptop = account.first;
  const phone = await account.join("phone");
  cleanups.push(() => closeDevices(laptop, phone));

  expectOk(laptop.vault.add({ fields: { title: "Before" } }));
  const big = expectOk(
    laptop.vault.add({ type: "note", fields: { title: "bignote2", notes: "漢".repeat(30_000) } }),
  );
  expectOk(laptop.vault.add({ fields: { title: "After" } }));

  const report = expectOk(await laptop.client.syncOnce());
  assert.equal(report.pushed, 2);
  assert.equal(report.rejected, 1);
  const [refused, ...more] = laptop.vault.sync.rejected();
  assert.deepEqual(more, []);
  assert.equal(refused?.itemId, big.id);
  assert.equal(refused?.title, "bignote2");
  assert.ok((refused?.bytes ?? 0) > MAX_SEALED_EVENT_BYTES);
  assert.equal(
    refused?.reason,
    `it is ${refused?.bytes} bytes once encrypted; the protocol's limit is ${MAX_SEALED_EVENT_BYTES}`,
  );
  assert.deepEqual(waiting(laptop.vault), { pending: 0, sent: 0, ordered: 0, rejected: 1 });
  await phone.sync();
  assert.deepEqual(titles(phone.vault), ["After", "Before"]);

  // Later changes are not stuck behind it; a second sync does not try it again.
  expectOk(laptop.vault.add({ fields: { title: "Later" } }));
  const again = expectOk(await laptop.client.syncOnce());
  assert.deepEqual([again.pushed, again.rejected], [1, 0]);
  await phone.sync();
  assert.deepEqual(titles(phone.vault), ["After", "Before", "Later"]);

  // Editing the item fixes it: the edit writes every field the refused change held, so the item
  // arrives whole, and the refused change is settled.
  expectOk(laptop.vault.edit(big.id, { notes: "shortened" }));
  assert.deepEqual(laptop.vault.sync.rejected(), []);
  assert.deepEqual(waiting(laptop.vault), { pending: 1, sent: 0, ordered: 0, rejected: 0 });
  await laptop.sync();
  await phone.sync();
  const arrived = expectOk(phone.vault.get(big.id));
  assert.equal(arrived.title, "bignote2");
  assert.equal(arrived.type, "note");
  assert.equal(notesOf(phone.vault, big.id), "shortened");
  assert.deepEqual(expectOk(laptop.vault.get(big.id)), arrived);
  assert.deepEqual(waiting(laptop.vault), { pending: 0, sent: 0, ordered: 0, rejected: 0 });
});

test("a change the server refuses in the middle of a batch is set aside by the id the server names; dropping it restores what the other devices see and keeps it in history", async () => {
  // This server accepts less than the protocol's limit, so the refusal comes from the server.
  const server = await startSyncServer({ kind: "memory" }, [], { maxEventBytes: 4096 });
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  const phone = await account.join("phone");
  cleanups.push(() => closeDevices(laptop, phone));

  const shared = expectOk(laptop.vault.add({ fields: { title: "Shared", notes: "v1" } }));
  await laptop.sync();
  await phone.sync();

  expectOk(laptop.vault.add({ fields: { title: "One" } }));
  expectOk(laptop.vault.edit(shared.id, { notes: "x".repeat(8000) }));
  const mid = expectOk(laptop.vault.add({ fields: { title: "Mid", notes: "y".repeat(8000) } }));
  expectOk(laptop.vault.add({ fields: { title: "Two" } }));
  const report = expectOk(await laptop.client.syncOnce());
  assert.deepEqual([report.pushed, report.rejected], [2, 2]);
  const refused = laptop.vault.sync.rejected();
  assert.deepEqual(
    refused.map((change) => change.title),
    ["Shared", "Mid"],
  );
  for (const change of refused)
    assert.match(
      change.reason,
      new RegExp(`^the server refused it: Event ${change.id} is \\d+ bytes; the limit is 4096\\.$`),
    );
  await phone.sync();
  assert.deepEqual(titles(phone.vault), ["One", "Shared", "Two"]);
  assert.equal(notesOf(phone.vault, shared.id), "v1");

  // Dropping the edit: the item shows again what every device shows; the value stays in history.
  const dropped = expectOk(laptop.vault.sync.dropRejected(refused[0]?.id.slice(0, 30) ?? ""));
  assert.equal(dropped.itemId, shared.id);
  assert.equal(notesOf(laptop.vault, shared.id), "v1");
  const history = expectOk(laptop.vault.history(shared.id, "notes")).fields[0]?.entries ?? [];
  assert.deepEqual(
    history.map((entry) => [entry.value, entry.current]),
    [
      ["v1", true],
      ["x".repeat(8000), false],
    ],
  );
  // Dropping the item's first change takes the item off this device, as no other device has it.
  assert.equal(refused[1]?.itemId, mid.id);
  expectOk(laptop.vault.sync.dropRejected(refused[1]?.id ?? ""));
  assert.deepEqual(titles(laptop.vault), ["One", "Shared", "Two"]);
  const missing = laptop.vault.sync.dropRejected(refused[1]?.id ?? "");
  assert.equal(missing.ok ? "dropped" : missing.error.kind, "no-rejected-change");
  assert.deepEqual(waiting(laptop.vault), { pending: 0, sent: 0, ordered: 0, rejected: 0 });

  // Both devices agree, and the item keeps syncing.
  expectOk(laptop.vault.edit(shared.id, { notes: "v2" }));
  await laptop.sync();
  await phone.sync();
  assert.equal(notesOf(phone.vault, shared.id), "v2");
  assert.deepEqual(expectOk(phone.vault.get(shared.id)), expectOk(laptop.vault.get(shared.id)));
});

test("a transient failure is not a refusal: with the server gone the changes stay queued, none is set aside", async () => {
  const server = await startSyncServer();
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  cleanups.push(() => closeDevices(laptop));
  expectOk(laptop.vault.add({ fields: { title: "Queued" } }));
  await server.close();
  const failed = await laptop.client.syncOnce();
  assert.equal(failed.ok ? "synced" : failed.error.kind, "unreachable");
  assert.deepEqual(laptop.vault.sync.rejected(), []);
  // The change and, ahead of it, the device's enrolment in the roster (docs/PROTOCOL.md 16.4) and
  // the batch event that signs the change (18.4).
  assert.equal(expectOk(laptop.vault.sync.pending(10)).length, 3);

  // A server that is busy (429) or failing (5xx) is transient too, never a refusal.
  for (const [code, status] of [
    ["TOO_MANY_REQUESTS", 429],
    ["UNAVAILABLE", 503],
  ] as const)
    assert.equal(syncErrorFromCall(new ORPCError(code, { status })).kind, "unreachable");
  assert.equal(
    syncErrorFromCall(new ORPCError("PAYLOAD_TOO_LARGE", { status: 413 })).kind,
    "rejected",
  );
});

test("a request over the server's event limit is split, each part with a batch event of its own: nothing is set aside and every device reads every change", async () => {
  // This server takes at most four events a push; the client sends up to ten.
  const server = await startSyncServer({ kind: "memory" }, [], { maxEventsPerPush: 4 });
  cleanups.push(() => server.close());
  const account = await createSyncedAccount(server, { name: "laptop", pushBatch: 10 });
  const laptop = account.first;
  const phone = await account.join("phone");
  cleanups.push(() => closeDevices(laptop, phone));
  const written = Array.from({ length: 9 }, (_, i) => `Item ${i}`);
  for (const title of written) expectOk(laptop.vault.add({ fields: { title } }));
  const report = expectOk(await laptop.client.syncOnce());
  assert.deepEqual([report.pushed, report.rejected], [9, 0]);
  assert.deepEqual(waiting(laptop.vault), { pending: 0, sent: 0, ordered: 0, rejected: 0 });
  // The log: the enrolment, then parts of at most four events, each a batch event and the
  // changes it signs (docs/PROTOCOL.md 18.4).
  const log = await laptop.vault.sync.eventStore.readAfter(laptop.vault.vaultId, 0, 100);
  const shape = log
    .map((event) => (event.payload[0] === 2 && event.payload[1] === 3 ? "B" : "e"))
    .join("");
  assert.match(shape, /^e(Be{1,3})+$/, shape);
  assert.equal(shape.replaceAll("B", "").length, 10);
  await phone.sync();
  assert.deepEqual(titles(phone.vault), [...written].sort());
  assert.deepEqual(phone.vault.sync.quarantined(), []);
});
