import assert from "node:assert/strict";
import { test } from "node:test";
import type { Result } from "@keypears/base";
import type { Item } from "./item.ts";
import { createLiveQuery, sameValue, watchLiveQuery } from "./live-query.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/test-home.ts";

/** Collects a live query's results; `next` waits (bounded) for the next one. */
const collector = <T>() => {
  const results: T[] = [];
  let wake: (() => void) | undefined;
  return {
    results,
    push: (value: T) => {
      results.push(value);
      wake?.();
    },
    next: async (count: number, ms = 3000): Promise<T> => {
      const deadline = Date.now() + ms;
      while (results.length < count) {
        if (Date.now() > deadline) throw new Error(`waited ${ms} ms for result ${count}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 20);
        });
      }
      return results[count - 1] as T;
    },
  };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

test("a live list gets a new result after each commit that changed it, and only then", async () => {
  const home = createTestHome();
  try {
    const { vault } = await createTestAccount(home.path);
    const list = collector<readonly Item[]>();
    const stop = watchLiveQuery(vault, { kind: "list", filter: { search: "git" } }, list.push);
    assert.deepEqual(await list.next(1), []);
    expectOk(vault.add({ fields: { title: "GitHub", username: "alice" } }));
    assert.deepEqual(
      (await list.next(2)).map((i) => i.title),
      ["GitHub"],
    );
    // A commit that does not change the filtered list hands on nothing.
    expectOk(vault.add({ fields: { title: "Bank" } }));
    await settle();
    assert.equal(list.results.length, 2);
    // A rolled-back transaction announces nothing.
    assert.throws(() =>
      vault.transact(() => {
        expectOk(vault.add({ fields: { title: "GitLab" } }));
        throw new Error("abandon");
      }),
    );
    await settle();
    assert.equal(list.results.length, 2);
    expectOk(vault.edit("GitHub", { username: "alice2" }));
    const edited = await list.next(3);
    assert.equal(edited[0]?.fields.find((f) => f.name === "username")?.value, "alice2");
    stop();
    expectOk(vault.add({ fields: { title: "Gitea" } }));
    await settle();
    assert.equal(list.results.length, 3, "nothing after stop");
    vault.lock();
  } finally {
    home.remove();
  }
});

test("a live item and the sync status follow commits made through another connection (another process's edit)", async () => {
  const home = createTestHome();
  try {
    const { vault } = await createTestAccount(home.path, "bob@localhost");
    expectOk(vault.add({ fields: { title: "Mail", password: "one" } }));
    const other = expectOk(
      await unlockVault({
        home: home.path,
        address: "bob@localhost",
        password: "correct horse battery staple",
        deps: cheapDeps(),
      }),
    );
    const item = collector<Result<Item, unknown>>();
    const stop = watchLiveQuery(vault, { kind: "item", ref: "Mail" }, item.push);
    await item.next(1);
    expectOk(other.edit("Mail", { password: "two" }));
    const seen = await item.next(2);
    assert.ok(seen.ok);
    assert.equal(seen.value.fields.find((f) => f.name === "password")?.value, "two");
    stop();
    other.lock();
    vault.lock();
  } finally {
    home.remove();
  }
});

test("createLiveQuery collapses notices during a run and reports failed runs", async () => {
  let value = 0;
  let notify: () => void = () => {};
  const seen: number[] = [];
  const errors: unknown[] = [];
  let started = 0;
  let finished = 0;
  const stop = createLiveQuery({
    run: async () => {
      started++;
      try {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (value === 99) throw new Error("locked");
        return value;
      } finally {
        finished++;
      }
    },
    changes: (onChange) => {
      notify = onChange;
      return () => {};
    },
    onResult: (v) => seen.push(v),
    onError: (e) => errors.push(e),
  });
  // Waits until no run is under way, not for a fixed time: a run still going when `value` turns
  // 99 (after a stall of ~90 ms on a loaded machine) would add an error the test does not expect.
  const idle = async () => {
    do await settle();
    while (finished < started);
  };
  await idle();
  value = 1;
  notify();
  notify();
  notify();
  await idle();
  assert.equal(started, 3, "the notices during a run make one more run");
  value = 99;
  notify();
  await idle();
  stop();
  assert.deepEqual(seen, [0, 1]);
  assert.equal(errors.length, 1);
});

test("sameValue compares plain data structurally", () => {
  assert.ok(sameValue({ a: [1, new Uint8Array([2])] }, { a: [1, new Uint8Array([2])] }));
  assert.ok(!sameValue({ a: [1, new Uint8Array([2])] }, { a: [1, new Uint8Array([3])] }));
  assert.ok(!sameValue({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!sameValue([1], { 0: 1 }));
});
