/**
 * Two devices of one account exchanging events through an ordered log (an in-memory event store
 * standing in for the server; the real server and sync client have their own tests). This checks
 * the vault's side of sync: outbox, applying ordered pages, conflicts, and resolution.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseSecretKey } from "@keypears/crypto";
import {
  createMemoryEventStore,
  envelopeBytes,
  type EventStore,
  verifySegment,
} from "@keypears/sync-core";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  joinAccount,
  joinTestDevice,
} from "./testing/test-platform.ts";
import type { Vault } from "./vault.ts";

const homes = [createTestHome(), createTestHome()];
let server: EventStore;
let laptop: Vault;
let phone: Vault;
let secretKeyText: string;

before(async () => {
  server = createMemoryEventStore();
  const created = await createTestAccount(homes[0]!.path, "dana@example.com", {
    serverUrl: "https://example.com",
  });
  laptop = created.vault;
  secretKeyText = created.secretKey;
  phone = await joinTestDevice(homes[1]!.path, created, {
    address: "dana@example.com",
    deviceId: "00000000000000bb",
  });
});
after(() => {
  laptop.lock();
  phone.lock();
  for (const home of homes) home.remove();
});

/** Push the outbox, then pull and apply everything after the verified checkpoint. */
const sync = async (vault: Vault) => {
  const pending = expectOk(vault.sync.pending(1000));
  expectOk(
    await server.append(
      vault.vaultId,
      pending.map((p) => ({ id: p.id, payload: p.payload })),
    ),
  );
  vault.sync.markSent(pending.map((p) => p.id));
  const trusted = vault.sync.verified();
  const events = await server.readAfter(vault.vaultId, trusted.position, 1000);
  const head = await server.head(vault.vaultId);
  const verified = expectOk(
    verifySegment({
      trusted,
      anchor: trusted,
      events: events.map((e) => ({ ...e, bytes: envelopeBytes(e) })),
      head,
    }),
  );
  expectOk(vault.sync.applyOrdered(events, verified));
};
const field = (vault: Vault, ref: string, name: string) =>
  expectOk(vault.get(ref)).fields.find((f) => f.name === name);

test("an item made on one device appears on the other, and local events leave the outbox once ordered", async () => {
  expectOk(laptop.add({ fields: { title: "Shared", username: "dana", password: "p0" } }));
  assert.equal(laptop.sync.status().pending, 1);
  await sync(laptop);
  const status = laptop.sync.status();
  assert.deepEqual(
    [status.pending, status.sent, status.ordered, status.verifiedEvents],
    [0, 0, 0, 1],
  );
  await sync(phone);
  assert.equal(field(phone, "Shared", "password")?.value, "p0");
});

test("edits of different fields of one item on two offline devices both survive", async () => {
  expectOk(laptop.edit("Shared", { password: "laptop-password" }));
  expectOk(phone.edit("Shared", { totp: "JBSWY3DPEHPK3PXP" }));
  await sync(laptop);
  await sync(phone);
  await sync(laptop);
  for (const vault of [laptop, phone]) {
    assert.equal(field(vault, "Shared", "password")?.value, "laptop-password");
    assert.equal(field(vault, "Shared", "totp")?.value, "JBSWY3DPEHPK3PXP");
    assert.deepEqual(vault.conflicts(), []);
  }
});

test("edits of the same field are a conflict on both devices, and resolving it on one resolves it everywhere", async () => {
  expectOk(laptop.edit("Shared", { username: "from-laptop" }));
  expectOk(phone.edit("Shared", { username: "from-phone" }));
  await sync(laptop);
  await sync(phone);
  await sync(laptop);
  for (const vault of [laptop, phone]) {
    const conflicts = vault.conflicts();
    assert.equal(conflicts.length, 1);
    const conflict = conflicts[0]?.conflict;
    assert.ok(conflict?.kind === "field");
    assert.deepEqual(
      new Set(conflict.candidates.map((c) => c.value)),
      new Set(["from-laptop", "from-phone"]),
    );
  }
  expectOk(phone.resolve("Shared", "username", { pick: 2 }));
  await sync(phone);
  await sync(laptop);
  for (const vault of [laptop, phone]) {
    assert.deepEqual(vault.conflicts(), []);
    assert.equal(
      field(vault, "Shared", "username")?.value,
      field(laptop, "Shared", "username")?.value,
    );
    const history = expectOk(vault.history("Shared", "username")).fields[0]?.entries.map(
      (e) => e.value,
    );
    assert.deepEqual(
      new Set(history),
      new Set(["dana", "from-laptop", "from-phone"]),
      "every value stays in history",
    );
  }
});

test("an edit on one device while the other deletes the item keeps it, flagged, until someone decides", async () => {
  expectOk(laptop.trash("Shared"));
  expectOk(phone.edit("Shared", { password: "changed-while-deleted" }));
  await sync(laptop);
  await sync(phone);
  await sync(laptop);
  for (const vault of [laptop, phone]) {
    const item = expectOk(vault.get("Shared"));
    assert.equal(item.status, "live");
    assert.equal(item.conflicts[0]?.kind, "edit-delete");
  }
  expectOk(laptop.resolve("Shared", "status", { value: "trashed" }));
  await sync(laptop);
  await sync(phone);
  for (const vault of [laptop, phone]) {
    assert.deepEqual(vault.list(), []);
    assert.equal(
      vault.list({ trash: true })[0]?.fields.find((f) => f.name === "password")?.value,
      "changed-while-deleted",
    );
  }
});

test("an event in a pulled page that fails its checks is quarantined with its position and reason, and the rest goes on", async () => {
  expectOk(laptop.add({ fields: { title: "Second" } }));
  expectOk(laptop.add({ fields: { title: "Third" } }));
  await sync(laptop);
  const trusted = phone.sync.verified();
  const events = await server.readAfter(phone.vaultId, trusted.position, 10);
  // The batch event that signs the push, then its two changes (docs/PROTOCOL.md 18.1).
  assert.equal(events.length, 3);
  const tampered = events.map((e, i) =>
    i === 1 ? { ...e, payload: Uint8Array.from(e.payload, (b, k) => (k === 40 ? b ^ 1 : b)) } : e,
  );
  const next = { position: trusted.position + events.length, hash: events.at(-1)!.chainHash };
  const result = expectOk(phone.sync.applyOrdered(tampered, next));
  // Changed after signing: the batch names the hash of other bytes.
  const first = events[1]!;
  assert.deepEqual(
    result.quarantined.map((q) => [q.position, q.id, q.reason]),
    [[first.position, first.id, "unsigned"]],
  );
  assert.deepEqual(
    phone.sync.quarantined().map((q) => [q.position, q.reason]),
    [[first.position, "unsigned"]],
  );
  assert.equal(result.applied, 1);
  assert.equal(phone.sync.verified().position, next.position, "the chain goes on past it");
  assert.equal(phone.get("Second").ok, false, "the quarantined event is not applied");
  assert.equal(expectOk(phone.get("Third")).title, "Third");
  await sync(phone);
  expectOk(phone.edit("Third", { username: "still syncing" }));
  await sync(phone);
  await sync(laptop);
  assert.equal(field(laptop, "Third", "username")?.value, "still syncing");
});

test("two devices that verified the same history show the same vault fingerprint", async () => {
  await sync(laptop);
  await sync(phone);
  await sync(laptop);
  const [a, b] = [laptop.sync.fingerprint(), phone.sync.fingerprint()];
  assert.ok(a !== undefined && b !== undefined);
  assert.deepEqual(a, b);
  assert.match(a.code, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
  assert.ok(a.position > 0 && a.position <= laptop.sync.verified().position);
});

test("a third device starts from a snapshot of the vault plus the events after it", async () => {
  await sync(laptop);
  await sync(phone);
  // The laptop's snapshot: the phone set an event aside above, so only the laptop holds every item.
  const snapshot = expectOk(laptop.sync.exportSnapshot());
  expectOk(phone.add({ fields: { title: "After the snapshot" } }));
  assert.deepEqual(phone.sync.exportSnapshot(), { ok: false, error: { kind: "outbox-not-empty" } });
  await sync(phone);

  const third = createTestHome();
  homes.push(third);
  const r = laptop.sync.account();
  const tablet = expectOk(
    await joinAccount({
      home: third.path,
      address: "dana@example.com",
      password: "correct horse battery staple",
      secretKey: expectOk(parseSecretKey(secretKeyText)),
      serverUrl: "https://example.com",
      kdf: r.kdf,
      salt: r.salt,
      vaultId: r.vaultId,
      wrappedVaultKey: r.wrappedVaultKey,
      deviceId: "00000000000000cc" as never,
      deps: cheapDeps(),
    }),
  );
  const moved = { ...snapshot, position: snapshot.position - 1 };
  assert.equal(
    tablet.sync.importSnapshot(moved).ok,
    false,
    "a snapshot claimed for another position does not open",
  );
  assert.deepEqual(expectOk(tablet.sync.importSnapshot(snapshot)), {
    items: laptop.list({ trash: true }).length + laptop.list().length,
  });
  assert.equal(tablet.sync.verified().position, snapshot.position);
  // Every item's merge state came whole, read back from the file (not from the import's memory):
  // each item's whole history, every field, is the laptop's.
  for (const item of [...laptop.list(), ...laptop.list({ trash: true })]) {
    assert.deepEqual(
      expectOk(tablet.history(item.id)),
      expectOk(laptop.history(item.id)),
      `the history of item ${item.id} came with the snapshot`,
    );
  }
  await sync(tablet);
  for (const vault of [laptop, phone]) await sync(vault);
  const titles = (vault: Vault) =>
    [...vault.list(), ...vault.list({ trash: true })].map((i) => i.title).sort();
  assert.deepEqual(titles(tablet), titles(laptop));
  assert.deepEqual(
    expectOk(tablet.history("Shared", "username")).fields[0]?.entries.map((e) => e.value),
    expectOk(laptop.history("Shared", "username")).fields[0]?.entries.map((e) => e.value),
    "the full history came with the snapshot",
  );
  assert.equal(
    tablet.sync.importSnapshot(snapshot).ok,
    false,
    "only an empty vault takes a snapshot",
  );
  tablet.lock();
});

test("secrets kept in the vault file are sealed and survive a restart", () => {
  laptop.sync.writeSecret("session", new TextEncoder().encode("token-value"));
  assert.equal(new TextDecoder().decode(laptop.sync.readSecret("session")), "token-value");
  laptop.sync.deleteSecret("session");
  assert.equal(laptop.sync.readSecret("session"), undefined);
});

test("a value pasted with a leading byte-order mark syncs and is kept exactly", async () => {
  const item = expectOk(
    laptop.add({
      fields: { title: "Pasted", notes: "\uFEFFfrom a file", "custom:\uFEFFK": ["text", "\uFEFF"] },
    }),
  );
  await sync(laptop);
  await sync(phone);
  for (const vault of [laptop, phone]) {
    const fields = expectOk(vault.get(item.id)).fields;
    assert.equal(fields.find((f) => f.name === "notes")?.value, "\uFEFFfrom a file");
    assert.deepEqual(fields.find((f) => f.name === "custom:\uFEFFK")?.value, ["text", "\uFEFF"]);
  }
});

test("a conflict whose current value is a removal can still be seen and resolved", async () => {
  expectOk(laptop.add({ fields: { title: "Removal", notes: "original" } }));
  await sync(laptop);
  await sync(phone);
  expectOk(phone.edit("Removal", { notes: "kept on the phone" }));
  await new Promise((resolve) => setTimeout(resolve, 5)); // the removal gets the later clock
  expectOk(laptop.edit("Removal", { notes: null }));
  await sync(phone);
  await sync(laptop);
  await sync(phone);
  for (const vault of [laptop, phone]) {
    const item = expectOk(vault.get("Removal"));
    assert.equal(
      item.fields.some((f) => f.name === "notes"),
      false,
      "the removal is the current value",
    );
    const conflict = item.conflicts.find((c) => c.kind === "field");
    assert.ok(
      conflict?.kind === "field" &&
        conflict.candidates.some((c) => c.value === "kept on the phone"),
    );
  }
  const pick = expectOk(phone.get("Removal"))
    .conflicts.flatMap((c) => (c.kind === "field" ? c.candidates : []))
    .findIndex((c) => c.value === "kept on the phone");
  expectOk(phone.resolve("Removal", "notes", { pick: pick + 1 }));
  await sync(phone);
  await sync(laptop);
  for (const vault of [laptop, phone]) {
    assert.equal(
      expectOk(vault.get("Removal")).fields.find((f) => f.name === "notes")?.value,
      "kept on the phone",
    );
    assert.deepEqual(expectOk(vault.get("Removal")).conflicts, []);
  }
});
