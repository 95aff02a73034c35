/** `vault.add` with a given id (imports of KeyPears exports, moves): kept when free, refused when taken or malformed. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ItemId } from "@keypears/sync-core";
import { createTestAccount, createTestHome, expectOk } from "./testing/test-platform.ts";

test("an item added with a free id keeps it; a taken or malformed id is refused and nothing is written", async () => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path);
  try {
    const id = "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0d" as ItemId;
    const added = expectOk(vault.add({ id, fields: { title: "Kept" } }));
    assert.equal(added.id, id);
    assert.equal(expectOk(vault.get(id)).title, "Kept");

    const taken = vault.add({ id, fields: { title: "Again" } });
    assert.deepEqual(taken.ok ? undefined : taken.error, {
      kind: "invalid-field",
      field: "id",
      reason: "is not a free item id",
    });
    expectOk(vault.trash(id));
    assert.equal(vault.add({ id, fields: { title: "Over the trash" } }).ok, false);
    assert.equal(vault.add({ id: "not-a-uuid" as ItemId, fields: { title: "Bad" } }).ok, false);
    assert.deepEqual(
      [...vault.list(), ...vault.list({ trash: true })].map((i) => i.title),
      ["Kept"],
    );
  } finally {
    vault.lock();
    home.remove();
  }
});
