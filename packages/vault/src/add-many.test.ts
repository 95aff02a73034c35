/**
 * `vault.addMany` (imports): every item written as `add` writes it (sealed event, outbox entry,
 * history, item record) in one transaction; one bad input, or a taken id, and nothing is written;
 * the device clock is saved with the batch, so a reopened vault never reuses its timestamps.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ItemId } from "@keypears/sync-core";
import { unlockVault } from "./node/node-accounts.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/index.ts";

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
