import assert from "node:assert/strict";
import { test } from "node:test";
import sqlite3InitModule from "@sqlite.org/sqlite-wasm";
import { describeEventStoreContract } from "@keypears/sync-core/testing";
import { createSqliteEventStore, migrate, transactionResult } from "@keypears/vault/core";
import { err, ok } from "@keypears/base";
import { wrapWasmDatabase } from "./wasm-sqlite.ts";

const sqlite3 = await sqlite3InitModule();
const memory = () => wrapWasmDatabase(sqlite3, new sqlite3.oo1.DB(":memory:"), ":memory:");

describeEventStoreContract("SQLite WASM (in memory, Node)", async () => {
  const db = memory();
  migrate(db);
  return { store: createSqliteEventStore(db), close: async () => db.close() };
});

test("the WASM adapter keeps the port's transaction rules: nesting, rollback, results", () => {
  const db = memory();
  db.exec("CREATE TABLE t (v TEXT NOT NULL, b BLOB)");
  const insert = db.prepare("INSERT INTO t (v, b) VALUES (?, ?)");
  const count = () => (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;

  db.transaction(() => {
    insert.run("outer", new Uint8Array([1, 2, 3]));
    assert.throws(() =>
      db.transaction(() => {
        insert.run("inner", null);
        throw new Error("inner fails");
      }),
    );
    assert.ok(db.inTransaction());
  });
  assert.equal(count(), 1, "the inner savepoint rolled back, the outer committed");
  assert.ok(!db.inTransaction());
  assert.deepEqual(db.prepare("SELECT v, b FROM t").get(), {
    v: "outer",
    b: new Uint8Array([1, 2, 3]),
  });
  assert.equal(db.prepare("SELECT v FROM t WHERE v = ?").get("none"), undefined);

  const refused = transactionResult(db, () => {
    insert.run("half", null);
    return err("no");
  });
  assert.deepEqual(refused, err("no"));
  assert.equal(count(), 1, "an err result rolls back what was written before it");
  assert.deepEqual(
    transactionResult(db, () => ok(insert.run("kept", null).changes)),
    ok(1),
  );
  assert.throws(() => db.transaction(() => insert.run(null, null)), /NOT NULL/);
  assert.equal(count(), 2);
  assert.ok(!db.inTransaction(), "a failed statement leaves no transaction open");
  assert.deepEqual(db.prepare("SELECT v FROM t ORDER BY v").all(), [{ v: "kept" }, { v: "outer" }]);
  const before = db.dataVersion();
  db.bookkeeping(() => insert.run("bookkeeping", null));
  assert.equal(count(), 3);
  assert.equal(typeof before, "number");
  db.close();
});

test("all() names each row's values by column, as get() does, for every row and type", () => {
  const db = memory();
  db.exec("CREATE TABLE r (id INTEGER PRIMARY KEY, t TEXT, b BLOB, f REAL)");
  const insert = db.prepare("INSERT INTO r (id, t, b, f) VALUES (?, ?, ?, ?)");
  insert.run(1, "one", new Uint8Array([1]), 1.5);
  insert.run(2, null, new Uint8Array([2, 2]), null);
  const select = db.prepare("SELECT id, t AS text, b, f FROM r ORDER BY id");
  const rows = select.all();
  assert.deepEqual(rows, [
    { id: 1, text: "one", b: new Uint8Array([1]), f: 1.5 },
    { id: 2, text: null, b: new Uint8Array([2, 2]), f: null },
  ]);
  assert.deepEqual(rows[0], db.prepare("SELECT id, t AS text, b, f FROM r WHERE id = 1").get());
  assert.notEqual((rows[0] as { b: Uint8Array }).b, (rows[1] as { b: Uint8Array }).b);
  assert.deepEqual(db.prepare("SELECT id FROM r WHERE id > 5").all(), [], "no rows");
  assert.deepEqual(select.all(), rows, "the statement runs again the same");
});
