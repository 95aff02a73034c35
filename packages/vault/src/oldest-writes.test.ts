/**
 * `oldestWrites`: for items whose history is their merge state alone, a time no write in their
 * history is older than; items with writes kept in the history table (a dropped change) left out.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { EventId } from "@keypears/sync-core";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  openVaultFile,
  unlockVault,
} from "./testing/test-platform.ts";
import type { Vault } from "./vault.ts";

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "oldest-writes-password";
const DAY = 24 * 60 * 60 * 1000;

/** Every history entry of every item `oldestWrites` names is at or after its time. */
const assertBounds = (vault: Vault): void => {
  for (const [itemId, oldest] of vault.oldestWrites())
    for (const field of expectOk(vault.history(itemId)).fields)
      for (const entry of field.entries)
        assert.ok(entry.at >= oldest, `${itemId}'s ${field.name} written before ${oldest}`);
};

test("items with a dropped change are left out; the others are bounded by their creation", async () => {
  const address = "oldest@history.example";
  let clock = Date.UTC(2026, 0, 1);
  const deps = cheapDeps({ now: () => clock });
  let { vault } = await createTestAccount(home.path, address, {
    password: PASSWORD,
    serverUrl: "https://history.example",
    deps,
  });
  const kept = expectOk(vault.add({ fields: { title: "Kept", password: "a" } }));
  clock += 10 * DAY;
  const dropped = expectOk(vault.add({ fields: { title: "Dropped", password: "b" } }));
  clock += 10 * DAY;
  expectOk(vault.edit(kept.id, { password: "a2" }));
  expectOk(vault.edit(dropped.id, { password: "b2" }));
  const before = vault.oldestWrites();
  assert.equal(before.get(kept.id), kept.created.at);
  assert.equal(before.get(dropped.id), dropped.created.at);
  assertBounds(vault);

  // The server refuses the second item's edit and it is dropped: its write goes to the history table.
  vault.lock();
  const db = openVaultFile(home.path, address);
  const edits = db
    .prepare(
      "SELECT e.id FROM events e JOIN outbox o ON o.event_id = e.id WHERE e.item_id = ? ORDER BY o.seq",
    )
    .all(dropped.id) as { id: EventId }[];
  db.close();
  vault = expectOk(await unlockVault({ home: home.path, address, password: PASSWORD, deps }));
  const once = vault.oldestWrites(); // read before the drop: the drop must update it
  assert.ok(once.has(dropped.id));
  for (const { id } of edits.slice(1)) {
    vault.sync.markRejected(id, "refused in a test");
    expectOk(vault.sync.dropRejected(id));
  }
  const after = vault.oldestWrites();
  assert.equal(after.has(dropped.id), false, "an item with kept history is left out");
  assert.equal(after.get(kept.id), kept.created.at);
  assertBounds(vault);
  vault.lock();

  // A new session reads the same from the file.
  vault = expectOk(await unlockVault({ home: home.path, address, password: PASSWORD, deps }));
  assert.equal(vault.oldestWrites().has(dropped.id), false);
  assert.equal(vault.oldestWrites().get(kept.id), kept.created.at);
  vault.lock();
});
