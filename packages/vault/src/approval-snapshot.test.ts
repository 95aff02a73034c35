/**
 * The approval setting (docs/PROTOCOL.md 16.10) survives snapshots (16.6): a device that starts
 * from a snapshot knows it exactly as a device that read the whole log does. A format-2 snapshot,
 * stored before snapshots carried it, is still read, and the setting is then `unknown` (not "not
 * required") until the log sets it again; a file that imported a snapshot with older code is
 * read the same way.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createMemoryEventStore, type EventStore } from "@keypears/sync-core";
import { parseAddress } from "./address.ts";
import { vaultPath } from "./node/home.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { cheapDeps, expectOk, type TestHome } from "./testing/test-home.ts";
import { devicesOfOneAccount, syncThrough } from "./testing/memory-devices.ts";
import type { Vault } from "./vault.ts";

const ADDRESS = "ivy@example.com";
const PASSWORD = "correct horse battery staple";
const homes: TestHome[] = [];
after(() => {
  for (const home of homes) home.remove();
});

/** The first device of an account and `count` more, each in its own home (none synced yet). */
const devices = (count: number) =>
  devicesOfOneAccount({
    address: ADDRESS,
    count: count + 1,
    deviceIdBase: 0xc0,
    homes,
    password: PASSWORD,
  });

/** Starts an empty device from `from`'s snapshot, then syncs it (its own enrolment, the rest). */
const startFromSnapshot = async (server: EventStore, from: Vault, to: Vault) => {
  const snapshot = expectOk(from.sync.exportSnapshot());
  expectOk(to.sync.importSnapshot(snapshot));
  assert.equal(to.sync.verified().position, snapshot.position);
  return snapshot;
};

test("a device that starts from a snapshot knows the approval setting as one that read the whole log", async () => {
  const server = createMemoryEventStore();
  const { vaults } = await devices(2);
  const [laptop, phone, tablet] = vaults;
  if (laptop === undefined || phone === undefined || tablet === undefined) throw new Error("3");
  try {
    for (const vault of [laptop, phone, laptop, phone]) await syncThrough(server, vault);
    expectOk(laptop.add({ fields: { title: "Bank" } }));
    expectOk(
      laptop.sync.writeRosterEvent({
        kind: "require-approval",
        deviceId: laptop.deviceId,
        required: true,
      }),
    );
    await syncThrough(server, laptop);
    await syncThrough(server, phone);
    const fromLog = phone.sync.approvalSetting();
    assert.ok(fromLog !== undefined && fromLog !== "unknown");
    assert.deepEqual(fromLog, {
      required: true,
      position: fromLog.position,
      setBy: laptop.deviceId,
    });

    // The tablet never sees the events before the snapshot (a server that pruned them).
    const snapshot = await startFromSnapshot(server, laptop, tablet);
    assert.ok(fromLog.position <= snapshot.position);
    assert.deepEqual(tablet.sync.approvalSetting(), fromLog);
    await syncThrough(server, tablet);
    assert.deepEqual(tablet.sync.approvalSetting(), fromLog);
    assert.deepEqual(
      tablet.list().map((i) => i.title),
      ["Bank"],
    );

    // Turned off after the snapshot: the tablet follows the log as the phone does.
    expectOk(
      laptop.sync.writeRosterEvent({
        kind: "require-approval",
        deviceId: laptop.deviceId,
        required: false,
      }),
    );
    await syncThrough(server, laptop);
    for (const vault of [phone, tablet]) await syncThrough(server, vault);
    assert.equal(phone.sync.approvalSetting() === "unknown", false);
    assert.deepEqual(tablet.sync.approvalSetting(), phone.sync.approvalSetting());
  } finally {
    for (const vault of vaults) vault.lock();
  }
});

test("a snapshot of a log that never set it says so; one imported by older code (or of format 2) leaves it unknown until the log sets it", async () => {
  const server = createMemoryEventStore();
  const { vaults, homes: places } = await devices(2);
  const [laptop, tablet, desk] = vaults;
  if (laptop === undefined || tablet === undefined || desk === undefined) throw new Error("3");
  const tabletHome = places[1];
  if (tabletHome === undefined) throw new Error("home");
  let reopened: Vault | undefined;
  try {
    await syncThrough(server, laptop);
    expectOk(laptop.add({ fields: { title: "Bank" } }));
    await syncThrough(server, laptop);
    await startFromSnapshot(server, laptop, tablet);
    assert.equal(tablet.sync.approvalSetting(), undefined, "never set: known to be off");
    await syncThrough(server, tablet);

    // A file that imported its snapshot before snapshots carried the setting has no mark of it.
    tablet.lock();
    const db = openSqlite(vaultPath(tabletHome.path, expectOk(parseAddress(ADDRESS))));
    db.prepare("DELETE FROM state WHERE key = 'snapshot-approval'").run();
    db.close();
    reopened = expectOk(
      await unlockVault({
        home: tabletHome.path,
        address: ADDRESS,
        password: PASSWORD,
        deps: cheapDeps(),
      }),
    );
    assert.equal(reopened.sync.approvalSetting(), "unknown");

    // It writes a format-2 snapshot rather than claim a setting; a device starting from it reads
    // it (old snapshots stay readable) and does not know the setting either.
    await startFromSnapshot(server, reopened, desk);
    assert.equal(desk.sync.approvalSetting(), "unknown");
    assert.deepEqual(
      desk.list().map((i) => i.title),
      ["Bank"],
    );
    await syncThrough(server, desk);

    // The next setting in the log is known to all.
    expectOk(
      laptop.sync.writeRosterEvent({
        kind: "require-approval",
        deviceId: laptop.deviceId,
        required: true,
      }),
    );
    await syncThrough(server, laptop);
    for (const vault of [reopened, desk]) await syncThrough(server, vault);
    const setting = laptop.sync.approvalSetting();
    assert.ok(setting !== undefined && setting !== "unknown" && setting.required);
    assert.deepEqual(reopened.sync.approvalSetting(), setting);
    assert.deepEqual(desk.sync.approvalSetting(), setting);
  } finally {
    for (const vault of [laptop, desk, reopened]) vault?.lock();
  }
});
