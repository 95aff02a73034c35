/**
 * The receiving side of protocol version 3's batch signatures (docs/PROTOCOL.md 18.3): a device
 * applies item events whose exact bytes (event hash) a verified batch event of their signer names,
 * and quarantines what no such batch names (bytes changed as served included), what falls outside
 * a batch's window, and a batch whose signature fails. The laptop seals most of its events here
 * with `vault.sync.sealBatchSigned` (so a test can forge, drop or move them), and pushes its
 * outbox as the writer does (18.4) for the rest; an in-memory log orders them.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  createMemoryEventStore,
  envelopeBytes,
  type Event,
  type EventEnvelope,
  type EventStore,
  hashEvent,
} from "@keypears/sync-core";
import { type NewAccount, unlockAccountFile } from "./account.ts";
import { doctorVault } from "./doctor.ts";
import { openAccountFile, unlockVault } from "./node/node-accounts.ts";
import { nodeAccountStorage } from "./node/node-storage.ts";
import { flipBit } from "./testing/forged-batch.ts";
import { titleEvent } from "./testing/title-event.ts";
import { verifiedPage } from "./testing/verified-page.ts";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  joinTestDevice,
} from "./testing/test-platform.ts";
import type { Vault } from "./vault.ts";

const PASSWORD = "correct horse battery staple";
const homes = [createTestHome(), createTestHome(), createTestHome()];
let server: EventStore;
let created: NewAccount;
let laptop: Vault;
let phone: Vault;
let tablet: Vault;

before(async () => {
  server = createMemoryEventStore();
  created = await createTestAccount(homes[0]!.path, "gil@example.com", {
    serverUrl: "https://example.com",
  });
  laptop = created.vault;
  phone = await joinTestDevice(homes[1]!.path, created, {
    address: "gil@example.com",
    deviceId: "00000000000000b1",
  });
  tablet = await joinTestDevice(homes[2]!.path, created, {
    address: "gil@example.com",
    deviceId: "00000000000000c1",
  });
  // The laptop's enrolment goes first, as version 2; the others learn its key from it.
  await push(laptop);
  await pull(phone);
  await pull(tablet);
});
after(() => {
  for (const vault of [laptop, phone, tablet]) vault.lock();
  for (const home of homes) home.remove();
});

/** Appends the vault's next request (its batch events ahead of their changes) to the log and marks it sent. */
const push = async (vault: Vault) => {
  const pending = expectOk(vault.sync.pending(1000));
  await append(pending.map((p) => ({ id: p.id, payload: p.payload })));
  vault.sync.markSent(pending.map((p) => p.id));
};

const append = async (envelopes: readonly EventEnvelope[]) => {
  expectOk(await server.append(laptop.vaultId, [...envelopes]));
};

/** Pulls and applies everything after the device's verified checkpoint, `pageSize` at a time. */
const pull = async (
  vault: Vault,
  pageSize = 1000,
  serve = (e: EventEnvelope) => e.payload,
  from: EventStore = server,
) => {
  const quarantined: [number, string][] = [];
  for (;;) {
    const { events, verified } = await verifiedPage(from, vault, pageSize);
    if (events.length === 0) return quarantined;
    const served = events.map((e) => ({ ...e, payload: serve(e) }));
    const result = expectOk(vault.sync.applyOrdered(served, verified));
    quarantined.push(...result.quarantined.map((q): [number, string] => [q.position, q.reason]));
  }
};

/** A new item with one title, as the laptop would write it. */
const newItem = (title: string): Event => titleEvent(laptop, title);

const titles = (vault: Vault): string[] =>
  vault
    .list()
    .map((item) => item.title)
    .sort();

test("item events a verified batch names are applied, across a page that ends between the batch and them", async () => {
  const { batch, items } = laptop.sync.sealBatchSigned([newItem("Alpha"), newItem("Beta")]);
  // The batch event's payload is a signed one of kind 3; the items' start with version 3.
  assert.deepEqual([batch.payload[0], batch.payload[1]], [2, 3]);
  assert.ok(items.every((item) => item.payload[0] === 3 && item.payload[1] === 1));
  await append([batch, ...items]);
  // The phone's page ends right after the batch: its covers wait in the file for the next page.
  assert.deepEqual(await pull(phone, 1), []);
  assert.deepEqual(titles(phone), ["Alpha", "Beta"]);
  assert.deepEqual(await pull(tablet), []);
  assert.deepEqual(titles(tablet), ["Alpha", "Beta"]);
  assert.equal(phone.sync.quarantined().length, 0);
});

test("an event no batch names, one whose bytes were changed, and one outside its batch's window are quarantined", async () => {
  const named = laptop.sync.sealBatchSigned([newItem("Gamma"), newItem("Delta")]);
  const unnamed = laptop.sync.sealBatchSigned([newItem("Epsilon")]);
  const late = laptop.sync.sealBatchSigned([newItem("Zeta")]);
  const filler = laptop.sync.sealBatchSigned([newItem("Eta")]);
  const start = (await server.head(laptop.vaultId)).position;
  // start + 1: a batch naming Gamma and Delta, then both (Gamma served with a flipped bit: the
  // chain covers what the server stored, so a lying server forges as it serves); start + 4:
  // Epsilon, whose batch never reached the log; start + 5: a batch naming Zeta, which comes one
  // event later than its window of one position (start + 6 is Eta, named by no batch).
  await append([
    named.batch,
    ...named.items,
    ...unnamed.items,
    late.batch,
    ...filler.items,
    ...late.items,
  ]);
  const gamma = named.items[0]!.id;
  const served = (e: EventEnvelope) =>
    e.id === gamma ? flipBit((p) => p.length - 3, 1)(e.payload) : e.payload;
  assert.deepEqual(await pull(phone, 1000, served), [
    [start + 2, "unsigned"],
    [start + 4, "unsigned"],
    [start + 6, "unsigned"],
    [start + 7, "unsigned"],
  ]);
  assert.deepEqual(titles(phone), ["Alpha", "Beta", "Delta"]);
  // Served honestly, Gamma applies on another device; the rest are refused there too.
  assert.deepEqual(await pull(tablet), [
    [start + 4, "unsigned"],
    [start + 6, "unsigned"],
    [start + 7, "unsigned"],
  ]);
  assert.deepEqual(titles(tablet), ["Alpha", "Beta", "Delta", "Gamma"]);
});

test("a batch whose signature fails is quarantined, and so are the events it names", async () => {
  const { batch, items } = laptop.sync.sealBatchSigned([newItem("Theta"), newItem("Iota")]);
  const start = (await server.head(laptop.vaultId)).position;
  await append([batch, ...items]);
  const served = (e: EventEnvelope) =>
    e.id === batch.id ? flipBit((p) => p.length - 5, 1)(e.payload) : e.payload;
  assert.deepEqual(await pull(tablet, 1000, served), [
    [start + 1, "bad-signature"],
    [start + 2, "unsigned"],
    [start + 3, "unsigned"],
  ]);
  assert.deepEqual(titles(tablet), ["Alpha", "Beta", "Delta", "Gamma"]);
  // The same bytes served honestly apply.
  assert.deepEqual(await pull(phone), []);
  assert.ok(titles(phone).includes("Theta") && titles(phone).includes("Iota"));
});

test("a batch covers only its own signer's events", async () => {
  await push(phone); // the phone's enrolment
  // The phone signs a batch naming the exact bytes of an event whose payload names the laptop
  // as its signer: that does not cover it. The laptop's own batch for the same bytes does.
  const kappa = laptop.sync.sealBatchSigned([newItem("Kappa")]).items[0]!;
  const lambda = laptop.sync.sealBatchSigned([newItem("Omicron")]).items[0]!;
  const byPhone = phone.sync.signBatch([hashEvent(envelopeBytes(kappa))]);
  const byLaptop = laptop.sync.signBatch([hashEvent(envelopeBytes(lambda))]);
  const start = (await server.head(laptop.vaultId)).position;
  await append([byPhone, kappa, byLaptop, lambda]);
  assert.deepEqual(await pull(tablet), [[start + 2, "unsigned"]]);
  assert.ok(!titles(tablet).includes("Kappa"));
  assert.ok(titles(tablet).includes("Omicron"));
});

test("the doctor reads version-3 events back: an item whose row is damaged is rebuilt from them", async () => {
  const alpha = expectOk(phone.get("Alpha"));
  phone.lock();
  const address = "gil@example.com";
  const { db } = expectOk(openAccountFile(homes[1]!.path, address));
  const row = db.prepare("SELECT state FROM items WHERE id = ?").get(alpha.id) as {
    state: Uint8Array;
  };
  db.prepare("UPDATE items SET state = ? WHERE id = ?").run(
    flipBit(() => 0, 0x80)(row.state),
    alpha.id,
  );
  db.close();
  const unlocked = expectOk(
    await unlockAccountFile({
      storage: nodeAccountStorage(homes[1]!.path),
      address,
      password: PASSWORD,
      deps: cheapDeps(),
    }),
  );
  const report = doctorVault({ ...unlocked, deps: cheapDeps(), repair: true });
  assert.deepEqual(report.unrecoverable, []);
  assert.deepEqual(report.rebuilt, [{ itemId: alpha.id, events: 1 }]);
  phone = expectOk(
    await unlockVault({ home: homes[1]!.path, address, password: PASSWORD, deps: cheapDeps() }),
  );
  assert.deepEqual(phone.problems(), []);
  assert.equal(expectOk(phone.get(alpha.id)).title, "Alpha");
});

test("no snapshot is made inside a batch's window: events after it would miss their batch", async () => {
  // The laptop pulls the log (its own enrolment leaves the outbox), then a batch of three whose
  // first page ends after one of its events.
  await pull(laptop);
  assert.equal(laptop.sync.exportSnapshot().ok, true);
  const { batch, items } = laptop.sync.sealBatchSigned(["Lambda", "Mu", "Nu"].map(newItem));
  await append([batch, ...items]);
  const start = laptop.sync.verified().position;
  const firstPage = await verifiedPage(server, laptop, 2);
  expectOk(laptop.sync.applyOrdered(firstPage.events, firstPage.verified));
  assert.equal(laptop.sync.verified().position, start + 2);
  assert.deepEqual(laptop.sync.exportSnapshot(), { ok: false, error: { kind: "inside-batch" } });
  assert.deepEqual(await pull(laptop), []);
  assert.equal(laptop.sync.verified().position, start + 4);
  const snapshot = laptop.sync.exportSnapshot();
  assert.ok(snapshot.ok && snapshot.value.position === start + 4);
});

test("this device's own batch keeps its window too: no snapshot inside it, when a change it names was set aside", async () => {
  await pull(laptop);
  await pull(phone); // what the tests before set aside, if the phone had not seen it yet
  for (const title of ["Own 1", "Own 2", "Own 3"]) expectOk(laptop.add({ fields: { title } }));
  const pending = expectOk(laptop.sync.pending(1000));
  assert.deepEqual(
    pending.map((event) => event.batchId === event.id),
    [true, false, false, false],
    "the batch event, then the three changes it names",
  );
  // The third change is refused for good and dropped: its batch still names it.
  const dropped = pending[3]!;
  laptop.sync.markRejected(dropped.id, "refused when the test pushed");
  expectOk(laptop.sync.dropRejected(dropped.id));
  const sent = pending.slice(0, 3).map(({ id, payload }) => ({ id, payload }));
  await append(sent);
  laptop.sync.markSent(sent.map((event) => event.id));
  const start = laptop.sync.verified().position;
  assert.deepEqual(await pull(laptop), []);
  assert.equal(laptop.sync.verified().position, start + 3);
  assert.equal(laptop.sync.status().pending, 0);
  // The window runs to start + 4, where the dropped change would have been.
  assert.deepEqual(laptop.sync.exportSnapshot(), { ok: false, error: { kind: "inside-batch" } });
  expectOk(laptop.add({ fields: { title: "Own 4" } }));
  await push(laptop);
  assert.deepEqual(await pull(laptop), []);
  const snapshot = laptop.sync.exportSnapshot();
  assert.ok(snapshot.ok && snapshot.value.position === start + 5);
  assert.deepEqual(await pull(phone), []);
  assert.ok(["Own 1", "Own 2", "Own 4"].every((title) => titles(phone).includes(title)));
  assert.ok(!titles(phone).includes("Own 3"));
});

test("a batch carries its author's checkpoint: one from a forked history stops the pull as a fork", async () => {
  // A fourth device enrols, then is shown a forked log: the same history up to its enrolment,
  // then an event the real log does not have. Its batch carries that forked checkpoint.
  const home = createTestHome();
  homes.push(home);
  const forker = await joinTestDevice(home.path, created, {
    address: "gil@example.com",
    deviceId: "00000000000000d1",
  });
  try {
    await push(forker);
    const shared = await server.readAfter(laptop.vaultId, 0, 10_000);
    const forked = createMemoryEventStore();
    expectOk(await forked.append(laptop.vaultId, [...shared]));
    const onlyThere = laptop.sync.sealBatchSigned([newItem("Only in the fork")]);
    expectOk(await forked.append(laptop.vaultId, [onlyThere.batch, ...onlyThere.items]));
    await pull(forker, 1000, undefined, forked);
    const forkedAt = forker.sync.verified();
    assert.equal(forkedAt.position, shared.length + 2);
    // The real log goes on otherwise, and the forked device's batch lands in it.
    const real = laptop.sync.sealBatchSigned([newItem("Only in the real log")]);
    await append([real.batch, ...real.items]);
    const fromForker = forker.sync.sealBatchSigned([titleEvent(forker, "Written after the fork")]);
    await append([fromForker.batch, ...fromForker.items]);
    const trusted = tablet.sync.verified();
    const { events, verified } = await verifiedPage(server, tablet, 10_000);
    const result = tablet.sync.applyOrdered(events, verified);
    assert.ok(!result.ok && result.error.kind === "fork", JSON.stringify(result));
    assert.equal(result.error.position, forkedAt.position);
    assert.equal(result.error.id, fromForker.items[0]!.id);
    assert.deepEqual(tablet.sync.verified(), trusted, "nothing of the page was applied");
  } finally {
    forker.lock();
  }
});
