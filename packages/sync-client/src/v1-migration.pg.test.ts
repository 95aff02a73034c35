/**
 * A server database and a vault file written by protocol-version-1 code (the fixtures in
 * `vault/src/testing/fixtures`, made at commit a214fa9) work with this code: the server serves
 * the version-1 history, the old device enrols and pushes its unsent changes signed, a new device
 * sees every item; and then one session pushing a random payload as an event is refused by the
 * server's signer filter, and the same payload stored past the filter (a compromised server) leaves
 * every honest device syncing, with the event quarantined and reported (docs/PROTOCOL.md 16.3,
 * 16.5, 16.8).
 */

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { API_PREFIX } from "@keypears/api";
import { bytesToBase64Url } from "@keypears/base";
import { boundedTest } from "@keypears/base/testing";
import { parseSecretKey } from "@keypears/crypto";
import { injectEvents } from "@keypears/server/testing";
import { unlockVault, type Vault } from "@keypears/vault";
import { cheapDeps, createTestHome, expectOk, type TestHome } from "@keypears/vault/testing";
import { loginNewDevice } from "./node-onboarding.ts";
import { loadSession } from "./session.ts";
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
  "v1-fixture.json",
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

bounded(
  "a version-1 server and vault migrate, and a garbage event leaves every device syncing",
  async () => {
    const database = await restoreFixtureDatabase("v1-server.sql");
    cleanups.push(() => database.drop());
    const server = await startSyncServer({ kind: "postgres", url: database.url });
    cleanups.push(() => server.close());
    const endpoint = await endpointOf(server);
    // Migration 3 (device approval): every device of the old database may sync, no account
    // requires approval.
    const migrated = await server.sql.query(
      "SELECT d.approval, a.require_approval FROM devices d JOIN accounts a USING (account_id)",
    );
    assert.ok(migrated.length > 0);
    assert.deepEqual(
      new Set(migrated.map((row) => `${String(row.approval)} ${String(row.require_approval)}`)),
      new Set(["approved false"]),
    );

    const homes: TestHome[] = [];
    const vaults: Vault[] = [];
    cleanups.push(() => {
      for (const vault of vaults) vault.lock();
      for (const home of homes) home.remove();
    });
    const laptopHome = homeWithFixtureVault("v1-laptop.vault", meta.address);
    homes.push(laptopHome);
    const laptop = expectOk(
      await unlockVault({
        home: laptopHome.path,
        address: meta.address,
        password: meta.password,
        deps: cheapDeps(),
      }),
    );
    vaults.push(laptop);
    const sync = async (client: SyncClient) => {
      const result = await client.syncOnce();
      if (!result.ok) throw new Error(describeSyncError(result.error));
      return result.value;
    };
    const laptopClient = createSyncClient(laptop, endpoint);
    const first = await sync(laptopClient);
    assert.equal(first.pushed, 2, "its two unsent changes (behind its enrolment, not counted)");
    assert.deepEqual(laptop.sync.status().pending, 0);
    assert.deepEqual(first.quarantined, []);
    assert.deepEqual(
      laptop.sync.roster().map((e) => [e.deviceId, e.enrolledAt]),
      [[laptop.deviceId, 5]],
      "the upgrade point is the enrolment after the four version-1 events",
    );

    const signIn = async (name: string) => {
      const home = createTestHome();
      homes.push(home);
      const vault = expectOk(
        await loginNewDevice({
          home: home.path,
          address: meta.address,
          password: meta.password,
          secretKey: expectOk(parseSecretKey(meta.secretKey)),
          server: endpoint,
          deviceName: name,
          deps: cheapDeps(),
        }),
      );
      vaults.push(vault);
      return { vault, client: createSyncClient(vault, endpoint) };
    };
    const tablet = await signIn("tablet");
    const joined = await sync(tablet.client);
    assert.deepEqual(joined.quarantined, []);
    const expected = ["Bank", "Mail", "Offline", "Phone note", "Shop"];
    assert.deepEqual(titles(tablet.vault), expected);
    assert.equal(
      expectOk(tablet.vault.get("Bank")).fields.find((f) => f.name === "password")?.value,
      "Bank-pw-2",
    );
    assert.deepEqual(
      joined.enrolled.map((e) => [e.deviceId, e.via]),
      [[laptop.deviceId, "self"]],
      "the new device learns who enrolled, and how",
    );

    // One session pushes a random payload as an event (the attack of issue 16): the server's
    // signer filter refuses it and stores nothing (docs/PROTOCOL.md 16.8).
    const token = loadSession(laptop)?.token;
    assert.ok(token !== undefined);
    const garbageId = "01900000-0000-7000-8000-00000000dead";
    const garbage = new Uint8Array(randomBytes(200));
    garbage[0] = 2; // looks like a version-2 payload, but of no known kind
    garbage[1] = 9;
    const pushed = await fetch(`${server.url}${API_PREFIX}/vaults/${laptop.vaultId}/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ events: [{ id: garbageId, payload: bytesToBase64Url(garbage) }] }),
    });
    assert.equal(pushed.status, 400, await pushed.clone().text());
    assert.equal(((await pushed.json()) as { code: string }).code, "UNSIGNED_PAYLOAD");
    const stored = await server.sql.query(
      "SELECT count(*)::int AS n FROM events WHERE event_id = $1",
      [garbageId],
    );
    assert.equal(Number(stored[0]?.n), 0, "nothing was stored");

    // A server without the filter (or a compromised one) stores it anyway: every device
    // quarantines it and goes on.
    const [injected] = await injectEvents(server, laptop.vaultId, [
      { id: garbageId, payload: garbage },
    ]);
    const position = injected!.position;

    for (const device of [{ vault: laptop, client: laptopClient }, tablet]) {
      const report = await sync(device.client);
      assert.deepEqual(
        report.quarantined.map((q) => [q.position, q.id]),
        [[position, garbageId]],
      );
      assert.deepEqual(titles(device.vault), expected);
    }
    expectOk(laptop.edit("Mail", { username: "after the garbage" }));
    await sync(laptopClient);
    await sync(tablet.client);
    assert.equal(
      expectOk(tablet.vault.get("Mail")).fields.find((f) => f.name === "username")?.value,
      "after the garbage",
    );
    const late = await signIn("late phone");
    const lateReport = await sync(late.client);
    assert.deepEqual(titles(late.vault), expected, "a new device sees every item");
    assert.deepEqual(
      lateReport.quarantined.map((q) => q.position),
      [position],
    );
  },
);
