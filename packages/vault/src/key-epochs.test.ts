/**
 * Key epochs (docs/PROTOCOL.md 16.7): revoking a device starts a new epoch whose key only the
 * remaining devices receive. Devices exchange events through an in-memory ordered log standing in
 * for the server, which hands everything to everyone (as a thief holding the server's data would).
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import {
  createMemoryEventStore,
  parseBatchSignedItemPayload,
  parseSignedPayload,
} from "@keypears/sync-core";
import { openWrappedEpochKeys } from "./credentials.ts";
import { vaultPath } from "./node/home.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { parseAddress } from "./address.ts";
import { SCHEMA_VERSION } from "./schema.ts";
import { cheapDeps, expectOk, type TestHome } from "./testing/test-home.ts";
import { devicesOfOneAccount, syncThrough } from "./testing/memory-devices.ts";
import type { Vault } from "./vault.ts";

const homes: TestHome[] = [];
after(() => {
  for (const home of homes) home.remove();
});

const PASSWORD = "correct horse battery staple";

/** Three devices of one account, with what the account's key material is (to open its copies). */
const threeDevicesOf = () =>
  devicesOfOneAccount({
    address: "ivy@example.com",
    count: 3,
    deviceIdBase: 0xb0,
    homes,
    password: PASSWORD,
  });

const threeDevices = async (): Promise<Vault[]> => (await threeDevicesOf()).vaults;

/** The key epoch a payload names: a signed one, or a version-3 item event (signed by its batch). */
const epochOf = (payload: Uint8Array): number => {
  const parsed =
    payload[0] === 3 ? parseBatchSignedItemPayload(payload) : parseSignedPayload(payload);
  assert.ok(parsed.ok);
  return parsed.value.epoch;
};

test("revoking a device starts epoch 1: the others read old and new events, the revoked one nothing new", async () => {
  const server = createMemoryEventStore();
  const [a, b, c] = await threeDevices();
  if (a === undefined || b === undefined || c === undefined) throw new Error("three devices");
  try {
    for (const vault of [a, b, c]) await syncThrough(server, vault);
    expectOk(a.add({ fields: { title: "Before", password: "old-secret" } }));
    for (const vault of [a, b, c]) await syncThrough(server, vault);
    assert.equal(expectOk(c.get("Before")).title, "Before");

    expectOk(a.sync.writeRosterEvent({ kind: "revoke", deviceId: c.deviceId }));
    await syncThrough(server, a);
    expectOk(a.add({ fields: { title: "After A", password: "new-secret" } }));
    await syncThrough(server, a);
    await syncThrough(server, b);
    expectOk(b.add({ fields: { title: "After B" } }));
    await syncThrough(server, b);
    await syncThrough(server, a);
    const report = await syncThrough(server, c);

    for (const vault of [a, b]) {
      assert.deepEqual(
        vault
          .list()
          .map((i) => i.title)
          .sort(),
        ["After A", "After B", "Before"],
      );
      assert.deepEqual(vault.sync.quarantined(), []);
    }
    // Every event after the rekey is sealed under epoch 1 (the rekey itself under epoch 0).
    const log = await server.readAfter(a.vaultId, 0, 1000);
    const rekeyAt = log.findIndex((e) => epochOf(e.payload) === 1);
    assert.ok(rekeyAt > 0, "some event is sealed under epoch 1");
    assert.ok(log.slice(rekeyAt).every((e) => epochOf(e.payload) === 1));
    // The revoked device holds the server's whole log and its own keys, and opens none of it.
    assert.deepEqual(
      c.list().map((i) => i.title),
      ["Before"],
    );
    assert.ok(report.quarantined.length >= 2);
    assert.ok(report.quarantined.every((q) => q.reason === "unknown-epoch"));
  } finally {
    for (const vault of [a, b, c]) vault.lock();
  }
});

test("a schema 4 vault file (as main wrote it before key epochs) migrates to 5, keeps its items and rotates", async () => {
  const server = createMemoryEventStore();
  const [a, b, c] = await threeDevices();
  if (a === undefined || b === undefined || c === undefined) throw new Error("three devices");
  const address = "ivy@example.com";
  for (const vault of [a, b, c]) await syncThrough(server, vault);
  expectOk(b.add({ fields: { title: "Old", password: "kept" } }));
  await syncThrough(server, b);
  await syncThrough(server, a);
  const home = homes[homes.length - 3]!.path; // the first device's
  a.lock();
  // Schema 5: no key_epochs table. Every payload in it is of epoch 0, the file's own vault key.
  const db = openSqlite(vaultPath(home, expectOk(parseAddress(address))));
  db.exec(
    "DROP INDEX outbox_by_batch; ALTER TABLE outbox DROP COLUMN batch_id; DROP TABLE batch_covers; DROP TABLE deferred_items; DROP TABLE key_epochs; PRAGMA user_version = 5",
  );
  db.close();

  const reopened = expectOk(
    await unlockVault({
      home,
      address,
      password: "correct horse battery staple",
      deps: cheapDeps(),
    }),
  );
  try {
    const file = openSqlite(vaultPath(home, expectOk(parseAddress(address))));
    const version = (file.prepare("PRAGMA user_version").get() as { user_version: number })
      .user_version;
    file.close();
    assert.equal(version, SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, 9);
    assert.deepEqual(reopened.sync.keyEpochs(), { sealing: 0, known: [0] });
    assert.equal(expectOk(reopened.get("Old")).title, "Old");
    expectOk(reopened.sync.writeRosterEvent({ kind: "revoke", deviceId: c.deviceId }));
    await syncThrough(server, reopened);
    assert.deepEqual(reopened.sync.keyEpochs(), { sealing: 1, known: [0, 1] });
    expectOk(reopened.add({ fields: { title: "New" } }));
    await syncThrough(server, reopened);
    await syncThrough(server, b);
    await syncThrough(server, c);
    assert.deepEqual(
      b
        .list()
        .map((i) => i.title)
        .sort(),
      ["New", "Old"],
    );
    assert.deepEqual(
      c.list().map((i) => i.title),
      ["Old"],
    );
    assert.deepEqual(c.sync.keyEpochs().known, [0]);
  } finally {
    for (const vault of [reopened, b, c]) vault.lock();
  }
});

test("a rekey that skips an active device is set aside, and the next sync rotates again", async () => {
  const server = createMemoryEventStore();
  const [a, b, c] = await threeDevices();
  if (a === undefined || b === undefined || c === undefined) throw new Error("three devices");
  try {
    // c enrols after a and b: a's rekey, written before a knew of c, misses c's key.
    await syncThrough(server, a);
    await syncThrough(server, b);
    expectOk(a.sync.rotateKey());
    await syncThrough(server, c);
    await syncThrough(server, a);
    assert.equal(a.sync.keyEpochs().sealing, 0);
    assert.ok(a.sync.quarantined().some((q) => q.reason === "roster-rule"));
    // A revocation now: a's rekey covers b only, as c is revoked.
    expectOk(a.sync.writeRosterEvent({ kind: "revoke", deviceId: c.deviceId }));
    for (const vault of [a, b, c]) await syncThrough(server, vault);
    assert.deepEqual(a.sync.keyEpochs(), b.sync.keyEpochs());
    assert.equal(a.sync.keyEpochs().sealing, 1);
    assert.deepEqual(c.sync.keyEpochs().known, [0]);
  } finally {
    for (const vault of [a, b, c]) vault.lock();
  }
});

test("a credential rekey reaches no other device: one that opens the new wrapped copy reads the epoch, and the next rotation is for every device again", async () => {
  const server = createMemoryEventStore();
  const { vaults, secretKey, registration } = await threeDevicesOf();
  const [a, b, c] = vaults;
  if (a === undefined || b === undefined || c === undefined) throw new Error("three devices");
  try {
    for (const vault of [a, b, c]) await syncThrough(server, vault);
    expectOk(a.add({ fields: { title: "Before" } }));
    for (const vault of [a, b, c]) await syncThrough(server, vault);

    // `passwd --new-secret-key` on a (the credentials themselves are not the point here).
    expectOk(a.sync.rotateKey("credentials"));
    await syncThrough(server, a);
    assert.equal(a.sync.keyEpochs().sealing, 1);
    expectOk(a.add({ fields: { title: "After the leak", password: "n3w" } }));
    await syncThrough(server, a);

    // c holds the whole log and is still enrolled: it never gets the new epoch's key.
    const cReport = await syncThrough(server, c);
    assert.deepEqual(c.sync.keyEpochs().known, [0]);
    assert.deepEqual(
      c.list().map((i) => i.title),
      ["Before"],
    );
    assert.ok(cReport.quarantined.some((q) => q.reason === "unknown-epoch"));
    assert.ok(!cReport.quarantined.some((q) => q.reason === "roster-rule"), "the rekey is valid");

    // b signs in again with the (new) credentials: it opens the copy a publishes, then reads all.
    const copy = expectOk(await a.sync.wrapEpochKeys(PASSWORD));
    assert.ok(copy !== undefined);
    copy.commit();
    const keys = expectOk(
      await openWrappedEpochKeys({
        address: a.address,
        password: PASSWORD,
        secretKey,
        salt: registration.salt,
        kdf: registration.kdf,
        vaultId: a.vaultId,
        wrappedVaultKey: copy.wrapped,
        deps: cheapDeps(),
      }),
    );
    b.sync.learnEpochKeys(keys);
    const bReport = await syncThrough(server, b);
    assert.deepEqual(bReport.quarantined, []);
    assert.equal(b.sync.keyEpochs().sealing, 1);
    assert.deepEqual(
      b
        .list()
        .map((i) => i.title)
        .sort(),
      ["After the leak", "Before"],
    );

    // b's next rotation (after a revocation, or asked for) follows the usual rule again: every
    // device still enrolled gets the key.
    expectOk(b.sync.rotateKey());
    await syncThrough(server, b);
    assert.equal(b.sync.keyEpochs().sealing, 2);
    for (const vault of [a, c]) await syncThrough(server, vault);
    assert.equal(a.sync.keyEpochs().sealing, 2);
    // The usual rule (a delivery for every active device, c too) holds, or a would set it aside.
    assert.ok(!a.sync.quarantined().some((q) => q.reason === "roster-rule"));
    // c is addressed, but the rekey is sealed under epoch 1, which c never held: c stays out.
    assert.deepEqual(c.sync.keyEpochs().known, [0]);
  } finally {
    for (const vault of [a, b, c]) vault.lock();
  }
});

test("a credential rekey that loses a race is written again, for its device alone", async () => {
  const server = createMemoryEventStore();
  const [a, b, c] = await threeDevices();
  if (a === undefined || b === undefined || c === undefined) throw new Error("three devices");
  try {
    // Twice: each device then knows every enrolment.
    for (const vault of [a, b, c, a, b, c]) await syncThrough(server, vault);
    expectOk(b.sync.rotateKey());
    expectOk(a.sync.rotateKey("credentials"));
    await syncThrough(server, b);
    await syncThrough(server, a);
    // a's epoch 1 came second: set aside, and a follows b's epoch 1.
    assert.equal(a.sync.keyEpochs().sealing, 1);
    assert.ok(a.sync.quarantined().some((q) => q.reason === "roster-rule"));
    await syncThrough(server, a);
    assert.equal(a.sync.keyEpochs().sealing, 2, "written again at the next push");
    for (const vault of [b, c]) await syncThrough(server, vault);
    assert.equal(b.sync.keyEpochs().sealing, 1);
    assert.ok(!c.sync.keyEpochs().known.includes(2));
    // Verified once: not written again.
    await syncThrough(server, a);
    assert.equal(a.sync.keyEpochs().sealing, 2);
    assert.equal(expectOk(a.sync.pending(10)).length, 0);
  } finally {
    for (const vault of [a, b, c]) vault.lock();
  }
});
