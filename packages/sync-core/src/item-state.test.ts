import assert from "node:assert/strict";
import { test } from "node:test";
import { createSeededRandom } from "./deps.ts";
import type { Event } from "./event.ts";
import { createVaultId } from "./ids.ts";
import { fieldHistory } from "./item-state.ts";
import { createReplica } from "./replica.ts";
import { createTestDevice, type TestDevice } from "./testing/test-device.ts";

const HOUR = 3_600_000;

const setup = (skews: readonly number[] = [0, 0, 0]) => {
  let wall = 1_700_000_000_000;
  const vaultId = createVaultId(createSeededRandom(99));
  const devices = skews.map((skewMs, i) =>
    createTestDevice({ vaultId, seed: i + 1, wall: () => wall, skewMs }),
  );
  const advance = (ms = 1000) => {
    wall += ms;
  };
  const deliver = (events: readonly Event[], ...to: TestDevice[]) => {
    for (const device of to) for (const event of events) device.receive(event);
  };
  return { devices: devices as [TestDevice, TestDevice, TestDevice], advance, deliver };
};

test("a write based on the current value supersedes it", () => {
  const {
    devices: [a, b],
    advance,
    deliver,
  } = setup();
  const item = a.newItemId();
  const first = a.set(item, { password: "one" });
  deliver([first], b);
  advance();
  const second = b.set(item, { password: "two" });
  deliver([second], a);
  for (const device of [a, b]) {
    const field = device.view(item)?.fields.get("password");
    assert.equal(field?.value, "two");
    assert.equal(field?.conflict, false);
    assert.deepEqual(
      field?.heads.map((h) => h.eventId),
      [second.id],
    );
  }
});

test("editing different fields of one item on two offline devices keeps both edits", () => {
  const {
    devices: [a, b],
    advance,
    deliver,
  } = setup();
  const item = a.newItemId();
  const created = a.set(item, { title: "Bank", username: "alice", password: "p0" });
  deliver([created], b);
  advance();
  const onA = a.set(item, { password: "p1" });
  const onB = b.set(item, { totp: "JBSWY3DPEHPK3PXP" });
  deliver([onB], a);
  deliver([onA], b);
  for (const device of [a, b]) {
    const view = device.view(item);
    assert.equal(view?.fields.get("password")?.value, "p1");
    assert.equal(view?.fields.get("totp")?.value, "JBSWY3DPEHPK3PXP");
    assert.equal(view?.fields.get("username")?.value, "alice");
    assert.deepEqual(view?.conflicts, []);
  }
});

test("concurrent writes of one field are a conflict showing both values; the later clock is current", () => {
  const {
    devices: [a, b],
    advance,
    deliver,
  } = setup();
  const item = a.newItemId();
  const created = a.set(item, { password: "p0" });
  deliver([created], b);
  const onA = a.set(item, { password: "from-a" });
  advance(5);
  const onB = b.set(item, { password: "from-b" });
  deliver([onB], a);
  deliver([onA], b);
  for (const device of [a, b]) {
    const field = device.view(item)?.fields.get("password");
    assert.equal(field?.conflict, true);
    assert.equal(field?.value, "from-b");
    assert.deepEqual(
      field?.heads.map((h) => h.value),
      ["from-b", "from-a"],
    );
    const conflicts = device.view(item)?.conflicts ?? [];
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0]?.kind, "field");
  }
});

test("a write based on every conflicting value resolves the conflict everywhere", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  const created = a.set(item, { password: "p0" });
  deliver([created], b);
  const onA = a.set(item, { password: "from-a" });
  const onB = b.set(item, { password: "from-b" });
  deliver([onB], a);
  deliver([onA], b);
  const resolution = a.set(item, { password: "from-a" });
  deliver([resolution], b);
  for (const device of [a, b]) {
    const field = device.view(item)?.fields.get("password");
    assert.equal(field?.conflict, false);
    assert.equal(field?.value, "from-a");
    assert.deepEqual(device.view(item)?.conflicts, []);
  }
});

test("concurrent writes of the same value are not a conflict", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { title: "x" })], b);
  const onA = a.set(item, { title: "same" });
  const onB = b.set(item, { title: "same" });
  deliver([onB], a);
  assert.equal(a.view(item)?.fields.get("title")?.conflict, false);
  assert.equal(a.view(item)?.fields.get("title")?.heads.length, 2);
  void onA;
});

test("a device whose clock is hours ahead does not win a write made after seeing its value", () => {
  const {
    devices: [ahead, normal],
    deliver,
  } = setup([5 * HOUR, 0, 0]);
  const item = ahead.newItemId();
  const fromTheFuture = ahead.set(item, { password: "future" });
  deliver([fromTheFuture], normal);
  const later = normal.set(item, { password: "corrected" });
  assert.ok(later.hlc.millis < fromTheFuture.hlc.millis, "the correction has an earlier clock");
  deliver([later], ahead);
  for (const device of [ahead, normal]) {
    assert.equal(device.view(item)?.fields.get("password")?.value, "corrected");
    assert.deepEqual(device.view(item)?.conflicts, []);
  }
});

test("a device whose clock is hours ahead wins only a truly concurrent write, and it is flagged", () => {
  const {
    devices: [ahead, normal],
    deliver,
  } = setup([5 * HOUR, 0, 0]);
  const item = ahead.newItemId();
  const created = normal.set(item, { password: "p0" });
  deliver([created], ahead);
  const fromTheFuture = ahead.set(item, { password: "future" });
  const concurrent = normal.set(item, { password: "now" });
  deliver([fromTheFuture], normal);
  deliver([concurrent], ahead);
  const field = normal.view(item)?.fields.get("password");
  assert.equal(field?.value, "future");
  assert.equal(field?.conflict, true);
});

test("every value a field ever had stays in its history, oldest first", () => {
  const {
    devices: [a, b],
    deliver,
    advance,
  } = setup();
  const item = a.newItemId();
  const values = ["v1", "v2", "v3"];
  for (const value of values) {
    deliver([a.set(item, { password: value })], b);
    advance();
  }
  const concurrent = b.set(item, { password: "v4-b" });
  const mine = a.set(item, { password: "v4-a" });
  deliver([concurrent], a);
  const history = fieldHistory(a.replica.itemState(item)!, "password");
  assert.deepEqual(
    history.slice(0, 3).map((h) => h.value),
    values,
  );
  assert.equal(history.length, 5);
  assert.deepEqual(new Set(history.map((h) => h.value)), new Set([...values, "v4-a", "v4-b"]));
  assert.deepEqual(
    history
      .filter((h) => h.isHead)
      .map((h) => h.eventId)
      .sort(),
    [concurrent.id, mine.id].sort(),
  );
  assert.equal(history.filter((h) => h.isCurrent).length, 1);
});

test("delete moves an item to the trash and restore brings it back", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { title: "t" })], b);
  deliver([a.lifecycle(item, "delete")], b);
  assert.equal(b.view(item)?.status, "trashed");
  deliver([b.lifecycle(item, "restore")], a);
  assert.equal(a.view(item)?.status, "live");
  assert.equal(a.view(item)?.fields.get("title")?.value, "t");
  deliver([a.lifecycle(item, "purge")], b);
  assert.equal(b.view(item)?.status, "purged");
});

test("an edit concurrent with a delete keeps the item live and reports an edit-delete conflict", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { title: "t", password: "old" })], b);
  const deletion = a.lifecycle(item, "delete");
  const edit = b.set(item, { password: "new" });
  deliver([edit], a);
  deliver([deletion], b);
  for (const device of [a, b]) {
    const view = device.view(item);
    assert.equal(view?.status, "live");
    assert.equal(view?.fields.get("password")?.value, "new");
    const conflict = view?.conflicts.find((c) => c.kind === "edit-delete");
    assert.ok(conflict && conflict.kind === "edit-delete");
    assert.deepEqual(
      conflict.edits.map((e) => e.eventId),
      [edit.id],
    );
    assert.deepEqual(
      conflict.deletes.map((d) => d.eventId),
      [deletion.id],
    );
  }
});

test("deleting again after seeing the concurrent edit resolves the edit-delete conflict to the trash", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { password: "old" })], b);
  const deletion = a.lifecycle(item, "delete");
  const edit = b.set(item, { password: "new" });
  deliver([edit], a);
  deliver([deletion], b);
  deliver([a.lifecycle(item, "delete")], b);
  for (const device of [a, b]) {
    assert.equal(device.view(item)?.status, "trashed");
    assert.deepEqual(device.view(item)?.conflicts, []);
    assert.equal(
      device.view(item)?.fields.get("password")?.value,
      "new",
      "the edit is kept in the trashed item",
    );
  }
});

test("restoring after an edit-delete conflict resolves it to live", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { password: "old" })], b);
  const deletion = a.lifecycle(item, "delete");
  deliver([b.set(item, { password: "new" })], a);
  deliver([deletion], b);
  deliver([b.lifecycle(item, "restore")], a);
  assert.equal(a.view(item)?.status, "live");
  assert.deepEqual(a.view(item)?.conflicts, []);
});

test("an edit made in the trash, after seeing the delete, keeps the item in the trash", () => {
  const {
    devices: [a, b],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { notes: "n" })], b);
  deliver([a.lifecycle(item, "delete")], b);
  deliver([b.set(item, { notes: "edited in trash" })], a);
  assert.equal(a.view(item)?.status, "trashed");
  assert.deepEqual(a.view(item)?.conflicts, []);
});

test("a delete that saw the edit wins, even if another concurrent delete did not see it", () => {
  const {
    devices: [a, b, c],
    deliver,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { notes: "n" })], b, c);
  const edit = b.set(item, { notes: "edited" });
  deliver([edit], c);
  const informedDelete = c.lifecycle(item, "delete");
  const blindDelete = a.lifecycle(item, "delete");
  deliver([edit, informedDelete], a);
  deliver([blindDelete], c);
  assert.equal(a.view(item)?.status, "trashed");
  assert.equal(c.view(item)?.status, "trashed");
});

test("a delete and a restore made concurrently are a lifecycle conflict decided by the clock", () => {
  const {
    devices: [a, b],
    deliver,
    advance,
  } = setup();
  const item = a.newItemId();
  deliver([a.set(item, { title: "t" })], b);
  deliver([a.lifecycle(item, "delete")], b);
  const restore = b.lifecycle(item, "restore");
  advance();
  const purge = a.lifecycle(item, "purge");
  deliver([restore], a);
  deliver([purge], b);
  for (const device of [a, b]) {
    assert.equal(device.view(item)?.status, "purged");
    assert.equal(device.view(item)?.conflicts[0]?.kind, "lifecycle");
  }
});

test("a duplicate delivery changes nothing; a different event under a used id is refused", () => {
  const {
    devices: [a],
  } = setup();
  const item = a.newItemId();
  const event = a.set(item, { title: "t" });
  const replica = createReplica([event]);
  assert.equal(replica.apply(event), "duplicate");
  assert.equal(replica.apply({ ...event }), "duplicate");
  const forged: Event = {
    ...event,
    op: {
      kind: "set",
      lifecycleSeen: [],
      fields: [{ name: "title", value: "forged", basedOn: [] }],
    },
  };
  assert.equal(replica.apply(forged), "id-conflict");
  assert.equal(replica.item(item)?.fields.get("title")?.value, "t");
});
