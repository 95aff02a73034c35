/** System items (a hidden `custom:keypears-system` field): kept and synced like any item, left out of the user's lists. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { isSystemItem, SYSTEM_ITEM_FIELD } from "./search.ts";
import { createTestAccount, createTestHome } from "./testing/test-platform.ts";

test("a system item is out of every list unless asked for, and still found by id", async () => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path);
  try {
    assert.ok(vault.add({ fields: { title: "Mine", password: "p" } }).ok);
    const system = vault.add({
      type: "note",
      fields: { title: "Kept by the app", [SYSTEM_ITEM_FIELD]: ["hidden", "sharing identity"] },
    });
    assert.ok(system.ok);
    assert.ok(isSystemItem(system.value));
    assert.deepEqual(
      vault.list().map((item) => item.title),
      ["Mine"],
    );
    assert.deepEqual(vault.list({ type: "note" }), []);
    assert.deepEqual(
      vault.list({ system: true }).map((item) => item.title),
      ["Kept by the app"],
    );
    assert.equal(vault.get(system.value.id).ok, true);
  } finally {
    vault.lock();
    home.remove();
  }
});
