/**
 * `vault.addMany` (imports): every item written as `add` writes it (sealed event, outbox entry,
 * history, item record) in one transaction; one bad input, or a taken id, and nothing is written;
 * the device clock is saved with the batch, so a reopened vault never reuses its timestamps.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyDeviceSignature } from "@keypears/crypto";
import {
  createMemoryEventStore,
  type EventId,
  eventSignatureMessage,
  type ItemId,
  parseSignedPayload,
} from "@keypears/sync-core";
import { syncThrough } from "./testing/memory-devices.ts";
import { unlockVault } from "./node/node-accounts.ts";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  joinTestDevice,
} from "./testing/test-platform.ts";

const PASSWORD = "correct horse battery staple";

test("addMany writes every item as add does, in one transaction, and saves the clock with it", async () => {
  const home = createTestHome();
  const address = "alice@example.com";
  const { vault } = await createTestAccount(home.path, address, {
    serverUrl: "https://example.com",
  });
  try {
    const one = expectOk(vault.add({ fields: { title: "One by one", password: "a" } }));
    const added = expectOk(
      vault.addMany([
        { fields: { title: "First", username: "alice", password: "pw-1" } },
        { type: "note", fields: { title: "Second", notes: "text" } },
        {
          id: "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0d" as ItemId,
          fields: { title: "Third", urls: ["https://x.example"] },
        },
      ]),
    );
    assert.deepEqual(
      added.map((item) => [item.title, item.type]),
      [
        ["First", "login"],
        ["Second", "note"],
        ["Third", "login"],
      ],
    );
    assert.equal(added[2]?.id, "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0d");
    for (const item of added) {
      assert.deepEqual(expectOk(vault.get(item.id)), item, "read back as written");
      const history = expectOk(vault.history(item.id));
      for (const field of item.fields)
        assert.equal(
          history.fields.find((f) => f.name === field.name)?.entries.length,
          1,
          `${item.title}: one history entry for ${field.name}`,
        );
    }
    assert.equal(vault.sync.status().pending, 4, "each item's event waits in the outbox");
    // Every event has its own, increasing timestamp.
    const stamps = [one, ...added].map((item) => item.created.at);
    assert.deepEqual(
      [...stamps].sort((a, b) => a - b),
      stamps,
    );

    // One invalid input, or an id already taken: nothing of the batch is written.
    const before = vault.list().map((item) => item.id);
    assert.equal(
      vault.addMany([{ fields: { title: "Fine" } }, { fields: { notes: "no title" } }]).ok,
      false,
    );
    const taken = vault.addMany([
      { fields: { title: "Fine" } },
      { id: added[2]?.id as ItemId, fields: { title: "Taken" } },
    ]);
    assert.deepEqual(taken.ok ? undefined : taken.error, {
      kind: "invalid-field",
      field: "id",
      reason: "is not a free item id",
    });
    const twice = "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0e" as ItemId;
    assert.equal(
      vault.addMany([
        { id: twice, fields: { title: "A" } },
        { id: twice, fields: { title: "B" } },
      ]).ok,
      false,
    );
    assert.deepEqual(
      vault.list().map((item) => item.id),
      before,
    );
    assert.equal(vault.sync.status().pending, 4);

    // Inside an outer transaction that rolls back, the batch rolls back with it.
    assert.throws(() =>
      vault.transact(() => {
        expectOk(vault.addMany([{ fields: { title: "Rolled back" } }]));
        throw new Error("abort");
      }),
    );
    assert.deepEqual(
      vault.list().map((item) => item.id),
      before,
    );

    // The clock was saved with the batch: a reopened vault stamps after every item.
    vault.lock();
    const reopened = expectOk(
      await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }),
    );
    try {
      const later = expectOk(reopened.add({ fields: { title: "Later" } }));
      assert.ok(later.created.at >= Math.max(...stamps));
      assert.ok(
        (later.fields.find((f) => f.name === "title")?.eventId ?? "") >
          (added[2]?.fields.find((f) => f.name === "title")?.eventId ?? ""),
      );
    } finally {
      reopened.lock();
    }
  } finally {
    vault.lock();
    home.remove();
  }
});

test("addMany with later versions and a trash writes the events add, edit and trash would, one each", async () => {
  const home = createTestHome();
  const { vault: many } = await createTestAccount(home.path, "alice@example.com", {
    serverUrl: "https://example.com",
  });
  const { vault: one } = await createTestAccount(home.path, "bob@example.com", {
    serverUrl: "https://example.com",
  });
  try {
    const [site, plain] = expectOk(
      many.addMany([
        {
          fields: { title: "Site", username: "u", password: "p1" },
          // The second change repeats the username: like edit, it writes only the password.
          later: [{ password: "p2" }, { password: "p3", username: "u" }],
          trashed: true,
        },
        { fields: { title: "Plain" }, later: [{}, { title: "Plain" }] },
      ]),
    );
    const byHand = expectOk(one.add({ fields: { title: "Site", username: "u", password: "p1" } }));
    expectOk(one.edit(byHand.id, { password: "p2" }));
    expectOk(one.edit(byHand.id, { password: "p3", username: "u" }));
    expectOk(one.trash(byHand.id));

    const shape = (vault: typeof many, id: string) => {
      const history = expectOk(vault.history(id));
      return {
        status: history.item.status,
        fields: history.item.fields.map((f) => [f.name, f.value]),
        history: history.fields.map((f) => [f.name, f.entries.map((e) => e.value)]),
        lifecycle: history.status.map((s) => s.action),
      };
    };
    assert.deepEqual(shape(many, site?.id ?? ""), shape(one, byHand.id));
    assert.deepEqual(shape(many, site?.id ?? "").history, [
      ["password", ["p1", "p2", "p3"]],
      ["title", ["Site"]],
      ["type", ["login"]],
      ["username", ["u"]],
    ]);
    assert.equal(site?.status, "trashed", "addMany returns each item after its last change");
    assert.equal(plain?.title, "Plain");
    // Site: add, two edits, trash; Plain: only its add (its later changes change nothing).
    assert.equal(many.sync.status().pending, 5);
    assert.equal(one.sync.status().pending, 4);

    // The items are read from the file (addMany keeps no decoded state): editing one goes on from
    // its whole history.
    expectOk(many.restore(site?.id ?? ""));
    expectOk(many.edit(site?.id ?? "", { password: "p4" }));
    assert.deepEqual(
      expectOk(many.history(site?.id ?? "", "password")).fields[0]?.entries.map((e) => e.value),
      ["p1", "p2", "p3", "p4"],
    );

    // A refused later change (an empty title) refuses the whole batch: nothing is written.
    const before = many.list({ trash: true }).map((item) => item.id);
    const pending = many.sync.status().pending;
    const refused = many.addMany([
      { fields: { title: "Fine" }, later: [{ password: "x" }] },
      { fields: { title: "Bad" }, later: [{ password: "y" }, { title: "" }] },
    ]);
    assert.deepEqual(refused.ok ? undefined : refused.error, {
      kind: "invalid-field",
      field: "title",
      reason: "must not be empty",
    });
    assert.deepEqual(
      many.list({ trash: true }).map((item) => item.id),
      before,
    );
    assert.equal(many.sync.status().pending, pending);
  } finally {
    many.lock();
    one.lock();
    home.remove();
  }
});

test("addMany refuses a later change no server would take, and writes nothing", async () => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path, "alice@example.com", {
    serverUrl: "https://example.com",
    deps: cheapDeps({ unsafeMaxEventBytesForTests: 2048 }),
  });
  try {
    const refused = vault.addMany([
      { fields: { title: "Small" } },
      { fields: { title: "Grows" }, later: [{ notes: "x".repeat(4096) }] },
    ]);
    assert.equal(refused.ok ? "saved" : refused.error.kind, "too-large");
    assert.deepEqual(vault.list(), []);
    assert.equal(vault.sync.status().pending, 0);
  } finally {
    vault.lock();
    home.remove();
  }
});

test("addMany's events go out as protocol version 3: unsigned, each named by the batch event ahead of them, and another device applies them all", async () => {
  const homes = [createTestHome(), createTestHome()];
  const server = createMemoryEventStore();
  const created = await createTestAccount(homes[0]!.path, "alice@example.com", {
    serverUrl: "https://example.com",
  });
  const laptop = created.vault;
  const phone = await joinTestDevice(homes[1]!.path, created, {
    address: "alice@example.com",
    deviceId: "00000000000000b1",
  });
  try {
    // Three chunks of 64, the last one short; a tenth of the items with a past.
    const inputs = Array.from({ length: 150 }, (_, i) => ({
      fields: { title: `Item ${i}`, password: `pw-${i}` },
      ...(i % 10 === 0 ? { later: [{ password: `pw-${i}-b` }], trashed: i % 20 === 0 } : {}),
    }));
    expectOk(laptop.addMany(inputs));
    const pending = expectOk(laptop.sync.pending(1000));
    // The device's enrolment (a signed roster event), the batch event, then the items' events.
    assert.equal(pending.length, 1 + 1 + 150 + 15 + 8);
    const [enrolment, batch, ...changes] = pending;
    assert.deepEqual([...enrolment!.payload.subarray(0, 2)], [2, 2]);
    assert.equal(batch!.batchId, batch!.id);
    const signed = parseSignedPayload(batch!.payload);
    assert.ok(signed.ok && signed.value.kind === "batch");
    assert.ok(
      verifyDeviceSignature(
        laptop.sync.publicKeys().signingKey,
        eventSignatureMessage(laptop.vaultId, batch!.id as EventId, signed.value.unsigned),
        signed.value.signature,
      ),
    );
    for (const change of changes) {
      assert.equal(change.payload[0], 3, `event ${change.id} is a version-3 payload`);
      assert.equal(change.batchId, batch!.id);
    }
    // Read again (a retried push): the same request, the same batch event.
    const bytes = (events: typeof pending) =>
      events.map((event) => [event.id, Buffer.from(event.payload).toString("hex")]);
    assert.deepEqual(bytes(expectOk(laptop.sync.pending(1000))), bytes(pending));
    await syncThrough(server, laptop);
    await syncThrough(server, phone);
    assert.deepEqual(phone.sync.quarantined(), []);
    assert.equal(phone.list().length, 150 - 8);
    assert.equal(phone.list({ trash: true }).length, 8);
    assert.equal(
      expectOk(phone.get("Item 10")).fields.find((f) => f.name === "password")?.value,
      "pw-10-b",
    );
  } finally {
    laptop.lock();
    phone.lock();
    for (const home of homes) home.remove();
  }
});

test("a refusal in a later chunk writes nothing, not even the chunks before it", async () => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path, "alice@example.com", {
    serverUrl: "https://example.com",
    deps: cheapDeps({ unsafeMaxEventBytesForTests: 2048 }),
  });
  try {
    const pending = vault.sync.status().pending;
    const inputs = Array.from({ length: 200 }, (_, i) => ({
      fields: { title: `Item ${i}` },
      ...(i === 190 ? { later: [{ notes: "x".repeat(4096) }] } : {}),
    }));
    const refused = vault.addMany(inputs);
    assert.equal(refused.ok ? "saved" : refused.error.kind, "too-large");
    assert.deepEqual(vault.list(), []);
    assert.equal(vault.sync.status().pending, pending);
    // The vault goes on: the same batch without the oversize change is written whole.
    expectOk(vault.addMany(inputs.map((input) => ({ fields: input.fields }))));
    assert.equal(vault.list().length, 200);
  } finally {
    vault.lock();
    home.remove();
  }
});
