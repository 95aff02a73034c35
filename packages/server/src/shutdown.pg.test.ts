import { createKeypearsClient } from "@keypears/api";
import { base64UrlToBytes } from "@keypears/base";
import {
  type Checkpoint,
  checkpointsEqual,
  envelopeBytes,
  type EventId,
  extendChain,
  GENESIS,
} from "@keypears/sync-core";
import assert from "node:assert/strict";
import { boundedIt } from "@keypears/base/testing";
import { after, before } from "node:test";
import { startServer } from "./server.ts";
import { createPgClient } from "./sql/pg-client.ts";
import { createFreshPostgresDatabase, type FreshDatabase } from "./testing/fresh-postgres.ts";
import {
  b64Random,
  b64Signed,
  newDeviceId,
  newEventId,
  newVaultId,
  TEST_KDF,
} from "./testing/test-server.ts";

const it = boundedIt();

let database: FreshDatabase;
before(async () => {
  database = await createFreshPostgresDatabase();
});
after(() => database.drop());

const start = (shutdownGraceMs: number) =>
  startServer({
    domain: "example.test",
    port: 0,
    database: { kind: "postgres", url: database.url },
    log: () => {},
    shutdownGraceMs,
    // These tests push many batches of one account at once on purpose.
    quotas: { maxConcurrentRequests: 100 },
  });

it("lets requests in flight finish when it shuts down: every push answered 200 is stored, no other", async () => {
  const server = await start(10_000);
  const deviceId = newDeviceId();
  const session = await createKeypearsClient(server.apiUrl).accounts.register({
    address: "bob@example.test",
    authSecret: b64Random(32),
    kdf: TEST_KDF,
    salt: b64Random(16),
    device: { id: deviceId, name: "laptop" },
    vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
  });
  const vaultId = session.account.vaults[0]!.vaultId;
  const client = createKeypearsClient(server.apiUrl, { token: session.token });
  const batches = Array.from({ length: 20 }, () =>
    Array.from({ length: 10 }, () => ({ id: newEventId(), payload: b64Signed(deviceId) })),
  );
  const pushes = batches.map((events) => client.vaults.push({ vaultId, events }));
  const settled = Promise.allSettled(pushes);
  // The first answer means the others are on their way or waiting for the vault's lock.
  await Promise.race(pushes);
  await server.close();
  const outcomes = await settled;
  const sql = await createPgClient({ connectionString: database.url });
  const stored = new Set(
    (
      await sql.query<{ event_id: string }>("SELECT event_id FROM events WHERE vault_id = $1", [
        vaultId,
      ])
    ).map((row) => row.event_id),
  );
  await sql.close();
  for (const [i, outcome] of outcomes.entries()) {
    const present = batches[i]!.filter((event) => stored.has(event.id)).length;
    assert.equal(
      present,
      outcome.status === "fulfilled" ? 10 : 0,
      `batch ${i}: ${outcome.status}, ${present} stored`,
    );
  }
  assert.ok(
    outcomes.some((outcome) => outcome.status === "fulfilled"),
    "some pushes were in flight",
  );
});

it("cut off at once, it still writes no half batch; retried pushes complete the log exactly once", async () => {
  const first = await start(0);
  const vaultId = newVaultId();
  const deviceId = newDeviceId();
  const session = await createKeypearsClient(first.apiUrl).accounts.register({
    address: "alice@example.test",
    authSecret: b64Random(32),
    kdf: TEST_KDF,
    salt: b64Random(16),
    device: { id: deviceId, name: "laptop" },
    vault: { vaultId, wrappedVaultKey: b64Random(72) },
  });
  const batches = Array.from({ length: 30 }, () =>
    Array.from({ length: 20 }, () => ({ id: newEventId(), payload: b64Signed(deviceId, 200) })),
  );
  const client = createKeypearsClient(first.apiUrl, { token: session.token });
  const pushes = batches.map((events) => client.vaults.push({ vaultId, events }));
  const settled = Promise.allSettled(pushes);
  // The first answer means the others are on their way or waiting for the vault's lock.
  await Promise.race(pushes);
  await first.close();
  const outcomes = await settled;

  // Every batch is in the log entirely or not at all, and the chain over it is the head.
  const sql = await createPgClient({ connectionString: database.url });
  const rows = await sql.query<{ event_id: string; payload: Uint8Array; position: string }>(
    "SELECT event_id, payload, position FROM events WHERE vault_id = $1 ORDER BY position",
    [vaultId],
  );
  const stored = new Set(rows.map((row) => row.event_id));
  for (const batch of batches) {
    const present = batch.filter((event) => stored.has(event.id)).length;
    assert.ok(present === 0 || present === batch.length, `a batch is half written (${present}/20)`);
  }
  assert.deepEqual(
    rows.map((row) => Number(row.position)),
    rows.map((_, i) => i + 1),
  );
  const [log] = await sql.query<{ head_position: string; head_hash: Uint8Array }>(
    "SELECT head_position, head_hash FROM vault_logs WHERE vault_id = $1",
    [vaultId],
  );
  const recomputed = extendChain(
    GENESIS,
    rows.map((row) =>
      envelopeBytes({ id: row.event_id as EventId, payload: new Uint8Array(row.payload) }),
    ),
  );
  const head: Checkpoint = {
    position: Number(log?.head_position),
    hash: new Uint8Array(log!.head_hash) as Checkpoint["hash"],
  };
  assert.ok(checkpointsEqual(recomputed, head));
  // A push that succeeded is stored where the server said.
  for (const outcome of outcomes) {
    if (outcome.status === "fulfilled") {
      for (const event of outcome.value.events) assert.ok(stored.has(event.id));
    }
  }
  await sql.close();

  // Clients retry what failed; nothing is stored twice.
  const second = await start(0);
  const retry = createKeypearsClient(second.apiUrl, { token: session.token });
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === "rejected") await retry.vaults.push({ vaultId, events: batches[i]! });
  }
  const page = await retry.vaults.pull({ vaultId, after: 0, limit: 5000 });
  assert.equal(page.events.length, 600);
  assert.deepEqual(new Set(page.events.map((e) => e.id)), new Set(batches.flat().map((e) => e.id)));
  const final = extendChain(
    GENESIS,
    page.events.map((e) =>
      envelopeBytes({ id: e.id as EventId, payload: base64UrlToBytes(e.payload) }),
    ),
  );
  assert.equal(final.position, 600);
  await second.close();
});
