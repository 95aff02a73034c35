import assert from "node:assert/strict";
import { test } from "node:test";
import type { LiveCursor, LiveDelta } from "@keypears/vault/core";
import { followInWorker } from "./worker-live-query.ts";

/** A change source whose notices the test sends, as the worker's commit notices are sent. */
const notices = () => {
  const listeners = new Set<() => void>();
  return {
    changes: (onChange: () => void) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    notify: () => {
      for (const listener of listeners) listener();
    },
  };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("on the owner, a delta is handed on inside the change notice, before the code the commit queued after it", async () => {
  const source = notices();
  const order: string[] = [];
  let runs = 0;
  const stop = followInWorker({
    runHere: () => ({ kind: "same", cursor: `c${++runs}` }),
    runThere: () => Promise.reject(new Error("the owner runs it here")),
    changes: source.changes,
    onDelta: (delta) => order.push(`delta ${delta.cursor}`),
    onError: (error) => order.push(`error ${String(error)}`),
  });
  assert.deepEqual(order, ["delta c1"], "the first run is handed on at once");
  // A commit queues its notice, then the rest of the sync queues its continuation behind it.
  queueMicrotask(source.notify);
  queueMicrotask(() => order.push("the rest of the sync"));
  await settle();
  assert.deepEqual(order, ["delta c1", "delta c2", "the rest of the sync"]);
  stop();
  source.notify();
  await settle();
  assert.equal(order.length, 3, "nothing after the stop");
});

test("elsewhere the run goes to the owner, each from the last cursor; notices during a run collapse into one more; a failure starts over", async () => {
  const source = notices();
  const asked: (LiveCursor | undefined)[] = [];
  const delivered: string[] = [];
  const failures: string[] = [];
  let fail = false;
  let release: () => void = () => {};
  const stop = followInWorker({
    runHere: () => undefined,
    runThere: async (since) => {
      asked.push(since);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      if (fail) throw new Error("locked");
      return { kind: "same", cursor: `c${asked.length}` } as LiveDelta;
    },
    changes: source.changes,
    onDelta: (delta) => delivered.push(delta.cursor),
    onError: (error) => failures.push((error as Error).message),
  });
  source.notify();
  source.notify();
  release();
  await settle();
  release();
  await settle();
  assert.deepEqual(asked, [undefined, "c1"], "two notices during the first run: one more run");
  assert.deepEqual(delivered, ["c1", "c2"]);
  fail = true;
  source.notify();
  await settle();
  release();
  await settle();
  assert.deepEqual(failures, ["locked"]);
  fail = false;
  source.notify();
  await settle();
  release();
  await settle();
  assert.deepEqual(asked.slice(2), ["c2", undefined], "after a failure the run starts in full");
  assert.deepEqual(delivered, ["c1", "c2", "c4"]);
  stop();
});

test("while the owner says to wait (a vault's items being opened), no run starts; the next notice runs it", async () => {
  const source = notices();
  const delivered: string[] = [];
  let waiting = true;
  let runs = 0;
  const stop = followInWorker({
    runHere: () => ({ kind: "same", cursor: `c${++runs}` }),
    runThere: () => Promise.reject(new Error("the owner runs it here")),
    changes: source.changes,
    onDelta: (delta) => delivered.push(delta.cursor),
    onError: (error) => delivered.push(`error ${String(error)}`),
    waiting: () => waiting,
  });
  source.notify();
  await settle();
  assert.deepEqual(delivered, [], "nothing runs while the items are being opened");
  waiting = false;
  source.notify();
  assert.deepEqual(delivered, ["c1"], "the notice that they are open runs it, inside the notice");
  stop();
});
