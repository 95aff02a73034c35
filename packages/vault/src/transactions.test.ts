import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { deriveVaultKeys } from "@keypears/crypto";
import { decodeItemState } from "@keypears/sync-core";
import { readAccountRecord } from "./account-record.ts";
import { openItemRecord } from "./sealing.ts";
import { parseAddress } from "./address.ts";
import { unlockKeys } from "./credentials.ts";
import { vaultPath } from "./node/home.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import type { SqliteDatabase, SqliteStatement } from "./sqlite.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/test-home.ts";
import { openVault } from "./vault.ts";

const test = boundedTest();

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "correct horse battery staple";
const pathOf = (address: string) => vaultPath(home.path, expectOk(parseAddress(address)));

const dump = (db: SqliteDatabase) =>
  ["events", "items", "history", "outbox", "state"].map((table) =>
    JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(), (_, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
    ),
  );

/** A database whose `failAt`-th write throws, as a crash at that point would stop it. */
const withFault = (db: SqliteDatabase) => {
  let writes = 0;
  let failAt = Number.POSITIVE_INFINITY;
  const wrap = (statement: SqliteStatement): SqliteStatement => ({
    ...statement,
    run: (...params) => {
      writes++;
      if (writes === failAt) throw new Error("injected fault");
      return statement.run(...params);
    },
  });
  const faulty: SqliteDatabase = { ...db, prepare: (sql) => wrap(db.prepare(sql)) };
  return {
    db: faulty,
    arm: (at: number) => {
      writes = 0;
      failAt = at;
    },
    writes: () => writes,
  };
};

test("a local edit commits its event, outbox entry, item view and history together, or none of them", async () => {
  const address = "atomic@example.com";
  const created = await createTestAccount(home.path, address, { serverUrl: "https://example.com" });
  expectOk(created.vault.add({ fields: { title: "Target", password: "start" } }));
  created.vault.lock();

  const raw = openSqlite(pathOf(address));
  const account = readAccountRecord(raw);
  assert.ok(account !== undefined);
  const keys = expectOk(await unlockKeys(account, PASSWORD, cheapDeps()));
  const fault = withFault(raw);
  const vault = openVault({ db: fault.db, account, vaultKey: keys.vaultKey, deps: cheapDeps() });

  // Count the writes of exactly the kind of edit that is broken below (two fields), so the last
  // write is faulted too: an edit whose final write escaped the transaction would pass otherwise.
  fault.arm(Number.POSITIVE_INFINITY);
  expectOk(vault.edit("Target", { password: "measure", notes: "measured" }));
  const writesPerEdit = fault.writes();
  assert.ok(
    writesPerEdit >= 4,
    `a two-field edit writes event, outbox, item (merge state and view, which history is read from) and clock (${writesPerEdit})`,
  );

  for (let at = 1; at <= writesPerEdit; at++) {
    const before = dump(raw);
    fault.arm(at);
    assert.throws(
      () => vault.edit("Target", { password: `attempt ${at}`, notes: `n${at}` }),
      /injected fault/,
      `the edit stopped at write ${at} of ${writesPerEdit}`,
    );
    assert.deepEqual(
      dump(raw),
      before,
      `a fault at write ${at} of ${writesPerEdit} left a partial edit`,
    );
  }
  // One past the count is never reached: the count above is every write of such an edit.
  fault.arm(writesPerEdit + 1);
  expectOk(vault.edit("Target", { password: "one past", notes: "the count" }));
  assert.equal(fault.writes(), writesPerEdit, "a two-field edit made as many writes as counted");
  fault.arm(Number.POSITIVE_INFINITY);
  const done = expectOk(vault.edit("Target", { password: "after the faults" }));
  assert.equal(done.fields.find((f) => f.name === "password")?.value, "after the faults");
  const history = expectOk(vault.history("Target", "password")).fields[0]?.entries.map(
    (e) => e.value,
  );
  assert.deepEqual(history, ["start", "measure", "one past", "after the faults"]);
  // The stored merge state holds no write of a rolled-back edit either (a phantom there would make
  // the next edit name a write no other device ever receives: a false conflict everywhere else).
  const row = raw.prepare("SELECT state FROM items WHERE id = ?").get(done.id) as {
    state: Uint8Array;
  };
  const opened = openItemRecord(
    deriveVaultKeys(keys.vaultKey),
    account.vaultId,
    done.id,
    "state",
    row.state,
  );
  const state = expectOk(decodeItemState(expectOk(opened)));
  assert.deepEqual(
    [...(state.fields.get("password")?.writes.values() ?? [])]
      .map((w) => String(w.value))
      .sort((a, b) => a.localeCompare(b)),
    ["after the faults", "measure", "one past", "start"],
  );
  assert.equal(
    vault.sync.status().pending,
    4,
    "one outbox entry per committed edit (add, measure, one past, after)",
  );
  vault.lock();
});

test("a process killed with SIGKILL in the middle of edits leaves a consistent vault, and every acknowledged edit", async () => {
  const address = "crash@localhost";
  const { vault } = await createTestAccount(home.path, address);
  expectOk(vault.add({ fields: { title: "Target", password: "p0" } }));
  vault.lock();

  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "testing", "kill-child.ts"),
      home.path,
      address,
      PASSWORD,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let acknowledged = 0;
  child.stdout.setEncoding("utf8");
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: string) => {
      const last = chunk
        .trim()
        .split("\n")
        .at(-1)
        ?.match(/committed (\d+)/);
      if (last) acknowledged = Number(last[1]);
      if (acknowledged >= 40 && !child.killed) {
        child.kill("SIGKILL");
        resolve();
      }
    });
    child.on("exit", () => resolve());
  });
  await new Promise((resolve) => child.on("exit", resolve));
  assert.ok(acknowledged >= 40, `the child made progress (${acknowledged})`);

  const db = openSqlite(pathOf(address));
  const events = (db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
  assert.ok(
    events >= acknowledged + 1,
    `every acknowledged edit survived (${events} events, ${acknowledged} acknowledged)`,
  );
  const eventsByItem = new Map<string, string[]>();
  for (const row of db
    .prepare("SELECT id, item_id FROM events WHERE item_id IS NOT NULL")
    .all() as { id: string; item_id: string }[]) {
    eventsByItem.set(row.item_id, [...(eventsByItem.get(row.item_id) ?? []), row.id]);
  }
  db.close();

  const reopened = expectOk(
    await (
      await import("./node/node-accounts.ts")
    ).unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }),
  );
  assert.deepEqual(reopened.problems(), []);
  // The item's merge state (history is read from it) holds every event committed for it.
  for (const [itemId, ids] of eventsByItem) {
    const history = JSON.stringify(expectOk(reopened.history(itemId)));
    const missing = ids.filter((id) => !history.includes(id));
    assert.deepEqual(missing, [], `every event of ${itemId} is in its history`);
  }
  const target = expectOk(reopened.get("Target"));
  const last = Number(String(target.fields.find((f) => f.name === "password")?.value).slice(1));
  assert.ok(
    last >= acknowledged - (acknowledged % 7 === 0 ? 1 : 0) - 1,
    `the last edit is visible (${last} vs ${acknowledged})`,
  );
  reopened.lock();
});

test("bookkeeping commits atomically without a flush of its own, and every other commit still flushes", () => {
  const db = openSqlite(join(home.path, "bookkeeping.sqlite"));
  const synchronous = () => db.prepare("PRAGMA synchronous").get() as { synchronous: number };
  const FULL = { synchronous: 2 };
  const NORMAL = { synchronous: 1 };
  db.exec("CREATE TABLE t (n INTEGER)");
  assert.deepEqual(synchronous(), FULL);
  db.bookkeeping(() => {
    assert.deepEqual(synchronous(), NORMAL, "this commit does not wait for the disk");
    db.prepare("INSERT INTO t VALUES (1)").run();
  });
  assert.deepEqual(synchronous(), FULL, "the setting is restored after it");
  assert.throws(() =>
    db.bookkeeping(() => {
      db.prepare("INSERT INTO t VALUES (2)").run();
      throw new Error("abandon");
    }),
  );
  assert.deepEqual(synchronous(), FULL, "and after a rollback");
  db.transaction(() => {
    db.bookkeeping(() => db.prepare("INSERT INTO t VALUES (3)").run());
    assert.deepEqual(synchronous(), FULL, "inside a transaction it is part of that commit");
  });
  assert.deepEqual(db.prepare("SELECT n FROM t ORDER BY n").all(), [{ n: 1 }, { n: 3 }]);
  db.close();
});
