/**
 * The item store's cache of decoded merge states stays within its bound however many items are
 * written or read (a sync of a large vault once kept every state it wrote), and a state pushed
 * out of it is read back from the file exactly as it was written.
 */

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ok, type Result } from "@keypears/base";
import { deriveVaultKeys, type VaultKey } from "@keypears/crypto";
import {
  applyToItem,
  createItemState,
  type DeviceId,
  type EventId,
  type ItemId,
  type ItemState,
  type VaultId,
} from "@keypears/sync-core";
import { createItemStore } from "./item-store.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { migrate } from "./schema.ts";
import { expectOk } from "./testing/test-home.ts";

const VAULT = "01900000-0000-7000-8000-000000000001" as VaultId;
const uuid = (prefix: string, n: number) =>
  `${prefix}${n.toString(16).padStart(8 - prefix.length, "0")}-0000-7000-8000-000000000000`;

const withStore = (bound: number, run: (store: ReturnType<typeof createItemStore>) => void) => {
  const dir = mkdtempSync(join(tmpdir(), "item-store-"));
  const db = openSqlite(join(dir, "vault.db"));
  try {
    assert.equal(migrate(db), undefined);
    const keys = deriveVaultKeys(new Uint8Array(randomBytes(32)) as VaultKey);
    const random = (n: number) => new Uint8Array(randomBytes(n));
    run(createItemStore(db, VAULT, keys, random, () => 1_700_000_000_000, bound));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

/** An item with one write of its title. */
const itemWithTitle = (n: number): ItemState => {
  const state = createItemState(uuid("1", n) as ItemId);
  applyToItem(state, {
    id: uuid("e", n) as EventId,
    vaultId: VAULT,
    itemId: state.itemId,
    hlc: { millis: 1_700_000_000_000 + n, counter: 0, node: "00000000000000d1" as DeviceId },
    checkpoint: null,
    op: {
      kind: "set",
      fields: [{ name: "title", value: `Item ${n}`, basedOn: [] }],
      lifecycleSeen: [],
    },
  });
  return state;
};

test("writing and reading more items than the bound keeps at most the bound decoded, and evicted states read back whole", () => {
  withStore(5, (store) => {
    const written = Array.from({ length: 12 }, (_, n) => itemWithTitle(n));
    expectOk(
      store.transaction((): Result<undefined, { kind: string }> => {
        for (const state of written) {
          store.rewriteItem(state);
          assert.ok(store.cachedStates() <= 5, `${store.cachedStates()} states cached`);
        }
        return ok(undefined);
      }),
    );
    assert.equal(store.cachedStates(), 5);
    for (const state of written) {
      const loaded = expectOk(store.loadState(state.itemId));
      assert.ok(store.cachedStates() <= 5);
      assert.deepEqual(
        [...(loaded?.fields.get("title")?.writes.values() ?? [])].map((w) => w.value),
        [`Item ${written.indexOf(state)}`],
      );
    }
    assert.equal(store.cachedStates(), 5);
  });
});

test("items imported from a snapshot are written without being kept decoded", () => {
  withStore(5, (store) => {
    expectOk(
      store.transaction((): Result<undefined, { kind: string }> => {
        for (let n = 0; n < 3; n++) store.importItem(itemWithTitle(n));
        return ok(undefined);
      }),
    );
    assert.equal(store.cachedStates(), 0);
    assert.equal(expectOk(store.readItem(uuid("1", 2) as ItemId))?.title, "Item 2");
  });
});
