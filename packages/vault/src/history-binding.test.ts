/**
 * A sealed history row is bound to its write: moved to another write, field or item, it is
 * reported as tampered, never shown as history. Since schema version 5 history is read from the
 * item's merge state, and the history table holds the writes taken out of it: here, changes the
 * server refused that the user dropped (`keepHistoryOf`).
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { EventId } from "@keypears/sync-core";
import type { SqliteDatabase } from "./sqlite.ts";
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
const PASSWORD = "history-binding-password";

interface HistoryRow {
  readonly item_id: string;
  readonly field_key: string;
  readonly event_id: string;
  readonly hlc: string;
  readonly record: Uint8Array;
}

const openRaw = (address: string): SqliteDatabase => openVaultFile(home.path, address);

const unlock = async (address: string): Promise<Vault> =>
  expectOk(await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }));

const rowsOf = (db: SqliteDatabase, itemId: string): HistoryRow[] =>
  db
    .prepare("SELECT * FROM history WHERE item_id = ? ORDER BY hlc, event_id, field_key")
    .all(itemId) as HistoryRow[];

/** Exchanges the sealed records of two history rows, leaving every other column in place. */
const swapRecords = (db: SqliteDatabase, a: HistoryRow, b: HistoryRow): void => {
  const update = db.prepare(
    "UPDATE history SET record = ? WHERE item_id = ? AND field_key = ? AND event_id = ?",
  );
  update.run(b.record, a.item_id, a.field_key, a.event_id);
  update.run(a.record, b.item_id, b.field_key, b.event_id);
};

/** The item's local events, oldest first (each entered the outbox when it was written). */
const eventsOf = (address: string, itemId: string): EventId[] => {
  const db = openRaw(address);
  const ids = db
    .prepare(
      "SELECT e.id FROM events e JOIN outbox o ON o.event_id = e.id WHERE e.item_id = ? ORDER BY o.seq",
    )
    .all(itemId) as { id: EventId }[];
  db.close();
  return ids.map((row) => row.id);
};

/**
 * Has the server refuse the item's events after the first, and drops them: their writes go to the
 * history table. Reads the outbox from the file with the vault locked (one connection to a file at
 * a time, as in a browser), and returns the vault unlocked again.
 */
const dropLaterChanges = async (vault: Vault, address: string, itemId: string): Promise<Vault> => {
  vault.lock();
  const ids = eventsOf(address, itemId);
  const reopened = await unlock(address);
  for (const id of ids.slice(1)) {
    reopened.sync.markRejected(id, "refused in a test");
    expectOk(reopened.sync.dropRejected(id));
  }
  return reopened;
};

const SERVER = { password: PASSWORD, serverUrl: "https://history.example" };

const tamperedHistory = (itemId: string, row: HistoryRow) => ({
  ok: false,
  error: { kind: "tampered", what: "history", id: `${itemId}/${row.event_id}` },
});

test("history records swapped between two writes of one field are tampered, not history reordered", async () => {
  const address = "swap-writes@history.example";
  let { vault } = await createTestAccount(home.path, address, SERVER);
  const item = expectOk(vault.add({ fields: { title: "Target", password: "old" } }));
  expectOk(vault.edit(item.id, { password: "new" }));
  expectOk(vault.edit(item.id, { password: "newer" }));
  vault = await dropLaterChanges(vault, address, item.id);
  const before = expectOk(vault.history(item.id, "password")).fields[0]?.entries.map(
    (e) => e.value,
  );
  assert.deepEqual(before, ["old", "new", "newer"], "dropped changes stay in history");
  assert.equal(
    expectOk(vault.get(item.id)).fields.find((f) => f.name === "password")?.value,
    "old",
  );
  vault.lock();

  const db = openRaw(address);
  // The two dropped writes of the password are the table's rows; the first write is in the state.
  const passwordRows = rowsOf(db, item.id);
  assert.equal(passwordRows.length, 2, "two history rows for the edited field");
  const [oldRow, newRow] = passwordRows as [HistoryRow, HistoryRow];
  swapRecords(db, oldRow, newRow);
  db.close();

  const reopened = await unlock(address);
  assert.deepEqual(reopened.history(item.id, "password"), tamperedHistory(item.id, oldRow));
  assert.deepEqual(reopened.history(item.id), tamperedHistory(item.id, oldRow));
  assert.equal(
    expectOk(reopened.get(item.id)).fields.find((f) => f.name === "password")?.value,
    "old",
    "the item itself still reads",
  );
  reopened.lock();
});

test("history records swapped between two lifecycle changes of one item are tampered", async () => {
  const address = "swap-lifecycle@history.example";
  let { vault } = await createTestAccount(home.path, address, SERVER);
  const item = expectOk(vault.add({ fields: { title: "Cycled" } }));
  expectOk(vault.trash(item.id));
  expectOk(vault.restore(item.id));
  vault = await dropLaterChanges(vault, address, item.id);
  vault.lock();

  const db = openRaw(address);
  const statusRows = rowsOf(db, item.id);
  assert.equal(statusRows.length, 2, "a delete row and a restore row");
  const [deleteRow, restoreRow] = statusRows as [HistoryRow, HistoryRow];
  swapRecords(db, deleteRow, restoreRow);
  db.close();

  const reopened = await unlock(address);
  assert.deepEqual(reopened.history(item.id), tamperedHistory(item.id, deleteRow));
  reopened.lock();
});

test("history records swapped between two fields of one write are tampered", async () => {
  const address = "swap-fields@history.example";
  let { vault } = await createTestAccount(home.path, address, SERVER);
  const item = expectOk(vault.add({ fields: { title: "Two fields" } }));
  expectOk(vault.edit(item.id, { username: "alice", password: "p" }));
  vault = await dropLaterChanges(vault, address, item.id);
  vault.lock();

  const db = openRaw(address);
  const rows = rowsOf(db, item.id);
  assert.ok(rows.length >= 2, "one write of several fields");
  const [first, second] = rows as [HistoryRow, HistoryRow];
  assert.equal(first.event_id, second.event_id);
  assert.notEqual(first.field_key, second.field_key);
  swapRecords(db, first, second);
  db.close();

  const reopened = await unlock(address);
  assert.deepEqual(reopened.history(item.id), tamperedHistory(item.id, first));
  reopened.lock();
});

test("history records moved between items are tampered, on both items", async () => {
  const address = "swap-items@history.example";
  let { vault } = await createTestAccount(home.path, address, SERVER);
  const one = expectOk(vault.add({ fields: { title: "One" } }));
  const two = expectOk(vault.add({ fields: { title: "Two" } }));
  expectOk(vault.edit(one.id, { title: "One again" }));
  expectOk(vault.edit(two.id, { title: "Two again" }));
  vault = await dropLaterChanges(vault, address, one.id);
  vault = await dropLaterChanges(vault, address, two.id);
  vault.lock();

  const db = openRaw(address);
  const [rowOne] = rowsOf(db, one.id) as [HistoryRow];
  const [rowTwo] = rowsOf(db, two.id) as [HistoryRow];
  assert.equal(rowOne.field_key, rowTwo.field_key, "the same field (title) of two items");
  swapRecords(db, rowOne, rowTwo);
  db.close();

  const reopened = await unlock(address);
  assert.deepEqual(reopened.history(one.id), tamperedHistory(one.id, rowOne));
  assert.deepEqual(reopened.history(two.id), tamperedHistory(two.id, rowTwo));
  reopened.lock();
});
