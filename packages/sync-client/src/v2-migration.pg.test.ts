/**
 * A server database and vault files written by protocol-version-2 code (the fixtures in
 * `vault/src/testing/fixtures`, made at commit 7c3c367: vault schema 8, every item event signed)
 * work with this code, which writes protocol version 3 (docs/PROTOCOL.md 18): the server serves
 * the version-2 history as it is (the chain hashes payloads whole, so nothing is rewritten); each
 * old device's file migrates (schema 9) and sends its unsent version-2 changes as they were
 * signed, with no batch event; its next changes go out as version 3, one batch event ahead of
 * them; and every device, old or new, reads both versions and sets nothing aside.
 */

import assert from "node:assert/strict";
import { after } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { parseSecretKey } from "@keypears/crypto";
import { unlockVault, type Vault } from "@keypears/vault";
import { cheapDeps, createTestHome, expectOk, type TestHome } from "@keypears/vault/testing";
import { loginNewDevice } from "./node-onboarding.ts";
import { describeSyncError } from "./sync-error.ts";
import { createSyncClient, type SyncClient } from "./sync-client.ts";
import { endpointOf, startSyncServer } from "./testing/harness.ts";
import {
  fixtureJson,
  homeWithFixtureVault,
  restoreFixtureDatabase,
} from "./testing/old-fixtures.ts";

const bounded = boundedTest(240_000);

const meta = fixtureJson<{ address: string; password: string; secretKey: string }>(
  "v2-fixture.json",
);

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const titles = (vault: Vault) =>
  vault
    .list()
    .map((item) => item.title)
    .sort();
const field = (vault: Vault, title: string, name: string) =>
  expectOk(vault.get(title)).fields.find((f) => f.name === name)?.value;

/** A payload's layout: `2.1` a signed item event, `2.2` roster, `2.3` batch, `3.1` batch-signed item. */
const layout = (payload: Uint8Array) => `${payload[0]}.${payload[1]}`;

bounded(
  "a version-2 server and vault files migrate: old changes go as signed, new ones as version 3, and every device reads both",
  async () => {
    const database = await restoreFixtureDatabase("v2-server.sql");
    cleanups.push(() => database.drop());
    const server = await startSyncServer({ kind: "postgres", url: database.url });
    cleanups.push(() => server.close());
    const endpoint = await endpointOf(server);
    const stored = async () =>
      (await server.sql.query("SELECT position, payload FROM events ORDER BY position")).map(
        (row) => layout(row.payload as Uint8Array),
      );
    // What version-2 code stored: two enrolments and four signed item events.
    assert.deepEqual(await stored(), ["2.2", "2.1", "2.1", "2.1", "2.2", "2.1"]);

    const homes: TestHome[] = [];
    const vaults: Vault[] = [];
    cleanups.push(() => {
      for (const vault of vaults) vault.lock();
      for (const home of homes) home.remove();
    });
    const open = async (fixture: string) => {
      const home = homeWithFixtureVault(fixture, meta.address);
      homes.push(home);
      const vault = expectOk(
        await unlockVault({
          home: home.path,
          address: meta.address,
          password: meta.password,
          deps: cheapDeps(),
        }),
      );
      vaults.push(vault);
      return { vault, client: createSyncClient(vault, endpoint) };
    };
    const sync = async (client: SyncClient) => {
      const result = await client.syncOnce();
      if (!result.ok) throw new Error(describeSyncError(result.error));
      assert.deepEqual(result.value.quarantined, []);
      return result.value;
    };

    const laptop = await open("v2-laptop.vault");
    assert.deepEqual(
      [laptop.vault.sync.status().pending, laptop.vault.sync.verified().position],
      [2, 6],
    );
    // Its unsent changes were signed by version-2 code: they go as they are, with no batch event.
    const first = await sync(laptop.client);
    assert.equal(first.pushed, 2);
    assert.deepEqual((await stored()).slice(6), ["2.1", "2.1"]);
    // A new change is written as version 3: the batch event that signs it goes first.
    expectOk(laptop.vault.add({ fields: { title: "After the upgrade", password: "v3" } }));
    expectOk(laptop.vault.edit("Shop", { notes: "edited after the upgrade" }));
    const second = await sync(laptop.client);
    assert.equal(second.pushed, 2);
    assert.deepEqual((await stored()).slice(8), ["2.3", "3.1", "3.1"]);

    // The phone's file, also version 2 with an unsent signed change, migrates and reads both.
    const phone = await open("v2-phone.vault");
    const phoneSynced = await sync(phone.client);
    assert.equal(phoneSynced.pushed, 1);
    const all = ["After the upgrade", "Bank", "Mail", "Offline", "Phone note", "Shop"];
    assert.deepEqual(titles(phone.vault), all);
    assert.equal(field(phone.vault, "Bank", "password"), "Bank-pw-2");
    assert.equal(field(phone.vault, "Shop", "notes"), "edited after the upgrade");
    expectOk(phone.vault.edit("Phone note", { notes: "from the upgraded phone" }));
    await sync(phone.client);
    await sync(laptop.client);
    assert.equal(field(laptop.vault, "Mail", "notes"), "phone, never pushed");
    assert.equal(field(laptop.vault, "Phone note", "notes"), "from the upgraded phone");
    assert.deepEqual(titles(laptop.vault), all);

    // A new device reads the whole log: version-2 events before, version-3 ones after.
    const tabletHome = createTestHome();
    homes.push(tabletHome);
    const tablet = await loginNewDevice({
      home: tabletHome.path,
      address: meta.address,
      password: meta.password,
      secretKey: expectOk(parseSecretKey(meta.secretKey)),
      server: endpoint,
      deviceName: "tablet",
      deps: cheapDeps(),
    });
    if (!tablet.ok) throw new Error(`the tablet did not sign in: ${tablet.error.kind}`);
    vaults.push(tablet.value);
    await sync(createSyncClient(tablet.value, endpoint));
    assert.deepEqual(titles(tablet.value), all);
    assert.equal(field(tablet.value, "Phone note", "notes"), "from the upgraded phone");
    assert.deepEqual(tablet.value.sync.quarantined(), []);
    const log = await stored();
    assert.ok(log.includes("2.1") && log.includes("3.1"), log.join(" "));
    assert.equal(log.at(-1), "2.2", "the tablet's enrolment, still a signed roster event");
  },
);
