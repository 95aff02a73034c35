import { createKeypearsClient } from "@keypears/api";
import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { createPgClient } from "../sql/pg-client.ts";
import { followStream } from "../testing/follow-stream.ts";
import { createFreshPostgresDatabase, type FreshDatabase } from "../testing/fresh-postgres.ts";
import { isRunning, spawnServe, type SpawnedServer } from "../testing/spawn-server.ts";
import {
  b64Random,
  b64Signed,
  newDeviceId,
  newEventId,
  newVaultId,
  TEST_KDF,
} from "../testing/test-server.ts";

const it = boundedIt();

let database: FreshDatabase;
let one: SpawnedServer;
let two: SpawnedServer;

before(async () => {
  database = await createFreshPostgresDatabase();
  // One process each (no workers): each has its own LISTEN connection, as counted below.
  const args = [
    "--database-url",
    database.url,
    "--port",
    "0",
    "--domain",
    "example.test",
    "--workers",
    "1",
  ];
  // Both start at once on an empty database: one migrates, the other waits for it.
  const started = await Promise.all([spawnServe(args), spawnServe(args)]);
  for (const server of started)
    assert.ok(isRunning(server), `a server did not start: ${JSON.stringify(server)}`);
  [one, two] = started as [SpawnedServer, SpawnedServer];
});

after(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await database?.drop();
});

describe("several server processes on one Postgres", () => {
  it("a client subscribed to one process sees a push made through the other within a second", async () => {
    const vaultId = newVaultId();
    const deviceId = newDeviceId();
    const session = await createKeypearsClient(one.apiUrl).accounts.register({
      address: "alice@example.test",
      authSecret: b64Random(32),
      kdf: TEST_KDF,
      salt: b64Random(16),
      device: { id: deviceId, name: "laptop" },
      vault: { vaultId, wrappedVaultKey: b64Random(72) },
    });
    const viaOne = createKeypearsClient(one.apiUrl, { token: session.token });
    const viaTwo = createKeypearsClient(two.apiUrl, { token: session.token });
    const stream = await followStream(viaOne, vaultId);
    await stream.waitForPosition(0, 5000);

    const started = Date.now();
    const pushed = await viaTwo.vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(deviceId) }],
    });
    // Pushed through the other process, heard here through Postgres: well within a generous bound
    // (nothing polls; the bound allows for a loaded machine, not for a missed notice).
    await stream.waitForPosition(1, 10_000);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(stream.heads.at(-1), pushed.head);

    // A device revoked through one process loses its stream on the other at once.
    await viaTwo.devices.revoke({ deviceId });
    await stream.waitForEnd(10_000); // through Postgres: generous, as for the push above
    assert.equal((stream.error() as { code?: string }).code, "UNAUTHORIZED");
  });

  it("refuses a session at once on the other process, which had it cached, after revocation or sign-out", async () => {
    const authSecret = b64Random(32);
    const vaultId = newVaultId();
    const laptop = await createKeypearsClient(one.apiUrl).accounts.register({
      address: "carol@example.test",
      authSecret,
      kdf: TEST_KDF,
      salt: b64Random(16),
      device: { id: newDeviceId(), name: "laptop" },
      vault: { vaultId, wrappedVaultKey: b64Random(72) },
    });
    const viaOne = createKeypearsClient(one.apiUrl, { token: laptop.token });
    const expectUnauthorized = async (work: Promise<unknown>, what: string) =>
      assert.equal(
        await work.then(
          () => "accepted",
          (error: unknown) => (error as { code?: string }).code,
        ),
        "UNAUTHORIZED",
        what,
      );
    for (let round = 0; round < 5; round++) {
      const deviceId = newDeviceId();
      const phone = await createKeypearsClient(one.apiUrl).accounts.login({
        address: "carol@example.test",
        authSecret,
        device: { id: deviceId, name: `phone ${round}` },
      });
      const phoneViaTwo = createKeypearsClient(two.apiUrl, { token: phone.token });
      // Process two checks the session and keeps it in its cache.
      await phoneViaTwo.vaults.list();
      await phoneViaTwo.vaults.push({
        vaultId,
        events: [{ id: newEventId(), payload: b64Signed(deviceId) }],
      });
      if (round % 2 === 0) await viaOne.devices.revoke({ deviceId });
      else await createKeypearsClient(one.apiUrl, { token: phone.token }).accounts.logout();
      const how = round % 2 === 0 ? "revoked" : "signed out";
      await expectUnauthorized(phoneViaTwo.vaults.list(), `list after ${how} (round ${round})`);
      await expectUnauthorized(
        phoneViaTwo.vaults.push({
          vaultId,
          events: [{ id: newEventId(), payload: b64Signed(deviceId) }],
        }),
        `push after ${how} (round ${round})`,
      );
      await expectUnauthorized(
        phoneViaTwo.vaults.pull({ vaultId, after: 0, limit: 10 }),
        `pull after ${how} (round ${round})`,
      );
    }
    // The laptop's own session was never touched: both processes still serve it.
    assert.equal((await viaOne.vaults.list()).vaults.length, 1);
    const head = await createKeypearsClient(two.apiUrl, { token: laptop.token }).vaults.head({
      vaultId,
    });
    assert.equal(head.position, 5);
  });

  it("recovers a lost LISTEN connection and catches up on the head it missed", async () => {
    const vaultId = newVaultId();
    const bobDevice = newDeviceId();
    const session = await createKeypearsClient(two.apiUrl).accounts.register({
      address: "bob@example.test",
      authSecret: b64Random(32),
      kdf: TEST_KDF,
      salt: b64Random(16),
      device: { id: bobDevice, name: "laptop" },
      vault: { vaultId, wrappedVaultKey: b64Random(72) },
    });
    const stream = await followStream(
      createKeypearsClient(one.apiUrl, { token: session.token }),
      vaultId,
    );
    await stream.waitForPosition(0, 5000);
    const admin = await createPgClient({ connectionString: database.url });
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      assert.equal(killed.length, 2, "each process has one LISTEN connection");
    } finally {
      await admin.close();
    }
    // Pushed while process one is not listening: the notice is lost, the resync finds the head.
    await createKeypearsClient(two.apiUrl, { token: session.token }).vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(bobDevice) }],
    });
    await stream.waitForPosition(1, 10_000); // after the listener's reconnect: generous too
    await stream.stop();
  });

  it("stops cleanly on SIGTERM", async () => {
    assert.equal(await one.stop("SIGTERM"), 0);
    assert.equal(await two.stop("SIGINT"), 0);
    assert.match(one.stderr(), /"msg":"stopped"/);
  });
});
