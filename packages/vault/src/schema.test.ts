import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { migrate, SCHEMA_VERSION } from "./schema.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { createTestHome } from "./testing/test-home.ts";

const home = createTestHome();
after(() => home.remove());

const version = (db: ReturnType<typeof openSqlite>) =>
  (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;

test("a version 1 file keeps its outbox through the migration to 2, which adds the rejected state and its reason", () => {
  const db = openSqlite(join(home.path, "v1.sqlite"));
  try {
    assert.equal(migrate(db, 1), undefined);
    assert.equal(version(db), 1);
    const insertEvent = db.prepare(
      "INSERT INTO events (vault_id, id, item_id, payload, origin, created_at) VALUES ('v', ?, 'i', ?, 'local', 1)",
    );
    const insertOutbox = db.prepare(
      "INSERT INTO outbox (vault_id, event_id, state, position, attempts, last_attempt_at) VALUES ('v', ?, ?, ?, ?, ?)",
    );
    const rows = [
      ["e1", "ordered", 7, 1, 100],
      ["e2", "sent", null, 2, 200],
      ["e3", "pending", null, 0, null],
    ] as const;
    for (const [id, state, position, attempts, at] of rows) {
      insertEvent.run(id, Uint8Array.of(1, 2, 3));
      insertOutbox.run(id, state, position, attempts, at);
    }
    insertEvent.run("e4", Uint8Array.of(4));
    assert.throws(() => insertOutbox.run("e4", "rejected", null, 0, null), /CHECK constraint/);

    assert.equal(migrate(db), undefined);
    assert.equal(version(db), SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, 9);
    assert.deepEqual(
      db
        .prepare(
          "SELECT seq, event_id, state, position, attempts, last_attempt_at, reason FROM outbox ORDER BY seq",
        )
        .all(),
      rows.map(([id, state, position, attempts, at], i) => ({
        seq: i + 1,
        event_id: id,
        state,
        position,
        attempts,
        last_attempt_at: at,
        reason: null,
      })),
    );
    // New entries continue the sequence, so the push order is kept.
    db.prepare(
      "INSERT INTO outbox (vault_id, event_id, state, reason) VALUES ('v', 'e4', 'rejected', 'too large')",
    ).run();
    assert.deepEqual(db.prepare("SELECT seq FROM outbox WHERE event_id = 'e4'").get(), { seq: 4 });
    // A rejected entry has a reason, and only a rejected one.
    insertEvent.run("e5", Uint8Array.of(5));
    assert.throws(
      () =>
        db
          .prepare("INSERT INTO outbox (vault_id, event_id, state) VALUES ('v', 'e5', 'rejected')")
          .run(),
      /CHECK constraint/,
    );
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO outbox (vault_id, event_id, state, reason) VALUES ('v', 'e5', 'pending', 'x')",
          )
          .run(),
      /CHECK constraint/,
    );
    // The push query's index skips rejected entries as it skips ordered ones.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT event_id FROM outbox WHERE vault_id = 'v' AND state IN ('pending', 'sent') ORDER BY seq",
      )
      .all() as { detail: string }[];
    assert.ok(
      plan.some((row) => row.detail.includes("outbox_unordered")),
      JSON.stringify(plan),
    );
    // The foreign key to the events still holds.
    assert.throws(
      () =>
        db
          .prepare("INSERT INTO outbox (vault_id, event_id, state) VALUES ('v', 'nope', 'pending')")
          .run(),
      /FOREIGN KEY/,
    );
    // Migrating again changes nothing.
    assert.equal(migrate(db), undefined);
    assert.equal(version(db), SCHEMA_VERSION);
  } finally {
    db.close();
  }
});

test("a version 7 file migrates to 8 with an empty table of batch covers, its events untouched", () => {
  const db = openSqlite(join(home.path, "v7.sqlite"));
  try {
    assert.equal(migrate(db, 7), undefined);
    db.prepare(
      "INSERT INTO events (vault_id, id, item_id, payload, origin, created_at) VALUES ('v', 'e1', 'i', x'0102', 'remote', 1)",
    ).run();
    assert.throws(() => db.prepare("SELECT * FROM batch_covers").all(), /no such table/);
    assert.equal(migrate(db, 8), undefined);
    assert.equal(version(db), 8);
    assert.deepEqual(db.prepare("SELECT * FROM batch_covers").all(), []);
    assert.deepEqual(db.prepare("SELECT id, payload FROM events").all(), [
      { id: "e1", payload: Buffer.from([1, 2]) },
    ]);
    // One cover per event and signer.
    const insert = db.prepare(
      "INSERT INTO batch_covers (hash, signer, checkpoint, first_position, last_position) VALUES (x'00', 's', NULL, 2, 3)",
    );
    insert.run();
    assert.throws(() => insert.run(), /UNIQUE|PRIMARY KEY/);
  } finally {
    db.close();
  }
});

test("a version 8 file migrates to 9: its outbox entries keep their order and state, covered by no batch", () => {
  const db = openSqlite(join(home.path, "v8.sqlite"));
  try {
    assert.equal(migrate(db, 8), undefined);
    const insertEvent = db.prepare(
      "INSERT INTO events (vault_id, id, item_id, payload, origin, created_at) VALUES ('v', ?, 'i', x'0201', 'local', 1)",
    );
    const insertOutbox = db.prepare(
      "INSERT INTO outbox (vault_id, event_id, state, position, reason) VALUES ('v', ?, ?, ?, ?)",
    );
    const rows = [
      ["e1", "ordered", 7, null],
      ["e2", "sent", null, null],
      ["e3", "rejected", null, "too large"],
      ["e4", "pending", null, null],
    ] as const;
    for (const [id, state, position, reason] of rows) {
      insertEvent.run(id);
      insertOutbox.run(id, state, position, reason);
    }
    assert.throws(() => db.prepare("SELECT batch_id FROM outbox").all(), /no such column/);
    assert.equal(migrate(db), undefined);
    assert.equal(version(db), 9);
    assert.deepEqual(
      db
        .prepare("SELECT seq, event_id, state, position, reason, batch_id FROM outbox ORDER BY seq")
        .all(),
      rows.map(([id, state, position, reason], i) => ({
        seq: i + 1,
        event_id: id,
        state,
        position,
        reason,
        batch_id: null,
      })),
    );
    // The entries of one batch are found through their own index.
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT event_id FROM outbox WHERE batch_id = 'b'")
      .all() as { detail: string }[];
    assert.ok(
      plan.some((row) => row.detail.includes("outbox_by_batch")),
      JSON.stringify(plan),
    );
  } finally {
    db.close();
  }
});
