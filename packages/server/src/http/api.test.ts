import { base64UrlToBytes, bytesEqual } from "@keypears/base";
import { MAX_SEALED_EVENT_BYTES } from "@keypears/api";
import {
  type ChainHash,
  type Checkpoint,
  envelopeBytes,
  type EventId,
  GENESIS,
  verifySegment,
} from "@keypears/sync-core";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  b64Signed,
  b64SignedSnapshot,
  newDeviceId,
  newEventId,
  newVaultId,
  registerAccount,
  signInDevice,
  startTestServer,
  TEST_KDF,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt();

const DAY = 86_400_000;
let clockOffset = 0;
let test: TestServer;

before(async () => {
  test = await startTestServer({ now: () => Date.now() + clockOffset });
});
after(() => test.close());

const fromWire = (checkpoint: { position: number; hash: string }): Checkpoint => ({
  position: checkpoint.position,
  hash: base64UrlToBytes(checkpoint.hash) as ChainHash,
});
const events = (n: number, deviceId: string) =>
  Array.from({ length: n }, () => ({ id: newEventId(), payload: b64Signed(deviceId) }));

describe("discovery and health", () => {
  it("describes itself at /.well-known/keypears.json: protocol, domain, API location", async () => {
    const response = await fetch(`${test.server.url}/.well-known/keypears.json`);
    assert.equal(response.status, 200);
    const description = (await response.json()) as {
      domain: string;
      api: string;
      limits: { maxEventBytes: number };
    };
    assert.equal(description.domain, "example.test");
    // The protocol's event limit, the one every client keeps to at the edit.
    assert.equal(description.limits.maxEventBytes, MAX_SEALED_EVENT_BYTES);
    assert.equal(MAX_SEALED_EVENT_BYTES, 65_536);
    const api = new URL(description.api, response.url).toString();
    assert.equal(api, test.server.apiUrl);
    assert.deepEqual(await test.client().meta.health(), { status: "ok", domain: "example.test" });
  });
});

describe("accounts", () => {
  it("registers an address of its domain, storing only a hash of the session token", async () => {
    const account = await registerAccount(test);
    const { session } = account;
    assert.equal(base64UrlToBytes(session.token).length, 32);
    const ttl = Date.parse(session.expiresAt) - Date.now();
    assert.ok(ttl > 29 * DAY && ttl <= 30 * DAY + 60_000, "expires in 30 days");
    assert.equal(session.account.address, account.address);
    assert.deepEqual(
      session.account.vaults.map((v) => v.vaultId),
      [account.vaultId],
    );
    const rows = await test.server.sql.query("SELECT token_hash FROM sessions");
    const token = base64UrlToBytes(session.token);
    const expectedHash = createHash("sha256").update(token).digest();
    assert.ok(rows.some((row) => bytesEqual(row.token_hash as Uint8Array, expectedHash)));
    assert.ok(rows.every((row) => !bytesEqual(row.token_hash as Uint8Array, token)));
  });

  it("refuses an address of another domain, naming its own", async () => {
    const failure = await rejectsWith(
      test.client().accounts.register({
        address: "mallory@elsewhere.test",
        authSecret: b64Random(32),
        kdf: TEST_KDF,
        salt: b64Random(16),
        device: { id: newDeviceId(), name: "x" },
        vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
      }),
      "WRONG_DOMAIN",
      400,
    );
    assert.match(failure.message, /@example\.test/);
  });

  it("refuses an address already taken, whatever the letter case of its name", async () => {
    const account = await registerAccount(test, "Carol");
    const again = (address: string) =>
      test.client().accounts.register({
        address,
        authSecret: b64Random(32),
        kdf: TEST_KDF,
        salt: b64Random(16),
        device: { id: newDeviceId(), name: "x" },
        vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
      });
    await rejectsWith(again(account.address), "ADDRESS_TAKEN", 409);
    await rejectsWith(again("carol@EXAMPLE.test"), "ADDRESS_TAKEN", 409);
  });

  it("pre-login returns the account's KDF parameters, and stable plausible decoys for unknown addresses", async () => {
    const account = await registerAccount(test);
    const known = await test.client().accounts.preLogin({ address: account.address });
    assert.equal(known.salt, account.session.account.salt);
    const unknown1 = await test.client().accounts.preLogin({ address: "nobody@example.test" });
    const unknown2 = await test.client().accounts.preLogin({ address: "nobody@example.test" });
    const other = await test.client().accounts.preLogin({ address: "somebody@example.test" });
    assert.deepEqual(unknown1, unknown2);
    assert.notEqual(unknown1.salt, other.salt);
    assert.deepEqual(unknown1.kdf, TEST_KDF);
    assert.equal(base64UrlToBytes(unknown1.salt).length, 16);
  });

  it("signs in with the right secret; a wrong secret and an unknown address get the same 401", async () => {
    const account = await registerAccount(test);
    const second = await signInDevice(test, account);
    assert.equal(second.session.account.vaults[0]?.vaultId, account.vaultId);
    const login = (address: string, authSecret: string) =>
      test
        .client()
        .accounts.login({ address, authSecret, device: { id: newDeviceId(), name: "x" } });
    const wrong = await rejectsWith(
      login(account.address, b64Random(32)),
      "INVALID_CREDENTIALS",
      401,
    );
    const unknown = await rejectsWith(
      login("ghost@example.test", account.authSecret),
      "INVALID_CREDENTIALS",
      401,
    );
    assert.equal(wrong.message, unknown.message);
  });

  it("signs out: the session fails at once", async () => {
    const account = await registerAccount(test);
    await account.client.accounts.logout();
    await rejectsWith(account.client.vaults.list(), "UNAUTHORIZED", 401);
  });

  it("expires sessions after 30 days", async () => {
    const account = await registerAccount(test);
    try {
      clockOffset = 30 * DAY + 1000;
      await rejectsWith(account.client.vaults.list(), "UNAUTHORIZED", 401);
    } finally {
      clockOffset = 0;
    }
  });

  it("a credential change ends every other session of the account, and keeps the one that asked", async () => {
    const account = await registerAccount(test);
    const other = await test.client().accounts.login({
      address: account.address,
      authSecret: account.authSecret,
      device: { id: newDeviceId(), name: "other" },
    });
    const otherClient = test.client(other.token);
    assert.equal((await otherClient.vaults.list()).vaults.length, 1);
    const newSecret = b64Random(32);
    const rewrapped = b64Random(72);
    assert.deepEqual(
      await account.client.accounts.changeCredentials({
        currentAuthSecret: account.authSecret,
        authSecret: newSecret,
        kdf: TEST_KDF,
        salt: b64Random(16),
        vaults: [{ vaultId: account.vaultId, wrappedVaultKey: rewrapped }],
      }),
      { ok: true },
    );
    await rejectsWith(otherClient.vaults.list(), "UNAUTHORIZED", 401);
    assert.equal((await account.client.vaults.list()).vaults.length, 1);
    // The other device signs in again with the new secret, under its own id.
    const again = await test.client().accounts.login({
      address: account.address,
      authSecret: newSecret,
      device: { id: other.deviceId, name: "other" },
    });
    assert.equal(again.account.vaults[0]?.wrappedVaultKey, rewrapped);
  });

  it("changes credentials: the old secret stops working, the new one works, keys are rewrapped", async () => {
    const account = await registerAccount(test);
    const newSecret = b64Random(32);
    const rewrapped = b64Random(72);
    const change = (
      currentAuthSecret: string,
      vaults: { vaultId: string; wrappedVaultKey: string }[],
    ) =>
      account.client.accounts.changeCredentials({
        currentAuthSecret,
        authSecret: newSecret,
        kdf: { ...TEST_KDF, iterations: 4 },
        salt: b64Random(16),
        vaults,
      });
    await rejectsWith(
      change(b64Random(32), [{ vaultId: account.vaultId, wrappedVaultKey: rewrapped }]),
      "INVALID_CREDENTIALS",
      401,
    );
    await rejectsWith(change(account.authSecret, []), "VAULT_SET_MISMATCH", 400);
    assert.deepEqual(
      await change(account.authSecret, [{ vaultId: account.vaultId, wrappedVaultKey: rewrapped }]),
      { ok: true },
    );
    const login = (authSecret: string) =>
      test.client().accounts.login({
        address: account.address,
        authSecret,
        device: { id: newDeviceId(), name: "x" },
      });
    await rejectsWith(login(account.authSecret), "INVALID_CREDENTIALS", 401);
    const session = await login(newSecret);
    assert.equal(session.account.kdf.iterations, 4);
    assert.deepEqual(session.account.vaults, [
      { vaultId: account.vaultId, wrappedVaultKey: rewrapped },
    ]);
  });
});

describe("vault log", () => {
  it("pushes a batch and returns each event's position and the new head", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const batch = events(3, deviceId);
    const result = await client.vaults.push({ vaultId, events: batch });
    assert.deepEqual(
      result.events.map((e) => [e.id, e.position, e.duplicate]),
      batch.map((e, i) => [e.id, i + 1, false]),
    );
    assert.deepEqual(result.head, { position: 3, hash: result.events[2]?.chainHash });
    assert.deepEqual(await client.vaults.head({ vaultId }), result.head);
  });

  it("a retried push returns the same positions, marked duplicate, and stores nothing twice", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const batch = events(4, deviceId);
    const first = await client.vaults.push({ vaultId, events: batch });
    const retry = await client.vaults.push({ vaultId, events: batch });
    assert.deepEqual(
      retry.events.map((e) => e.position),
      [1, 2, 3, 4],
    );
    assert.ok(retry.events.every((e) => e.duplicate));
    assert.deepEqual(retry.head, first.head);
    const partial = await client.vaults.push({
      vaultId,
      events: [batch[3]!, ...events(1, deviceId)],
    });
    assert.deepEqual(
      partial.events.map((e) => [e.position, e.duplicate]),
      [
        [4, true],
        [5, false],
      ],
    );
    const [row] = await test.server.sql.query(
      "SELECT count(*)::int AS n FROM events WHERE vault_id = $1",
      [vaultId],
    );
    assert.equal(row?.n, 5);
  });

  it("refuses an id reused with a different payload, and stores nothing of that batch", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const [first] = events(1, deviceId);
    await client.vaults.push({ vaultId, events: [first!] });
    const failure = await rejectsWith(
      client.vaults.push({
        vaultId,
        events: [...events(1, deviceId), { id: first!.id, payload: b64Signed(deviceId) }],
      }),
      "ID_REUSED",
      409,
    );
    assert.deepEqual(failure.data, { id: first!.id });
    assert.equal((await client.vaults.head({ vaultId })).position, 1);
  });

  it("pulls pages after any position; anchors, events and heads verify against the chain", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const batch = events(25, deviceId);
    await client.vaults.push({ vaultId, events: batch.slice(0, 12) });
    await client.vaults.push({ vaultId, events: batch.slice(12) });
    let trusted: Checkpoint = GENESIS;
    const pulled: { id: string; payload: string }[] = [];
    for (;;) {
      const page = await client.vaults.pull({ vaultId, after: trusted.position, limit: 10 });
      const verified = verifySegment({
        trusted,
        anchor: fromWire(page.anchor),
        head: fromWire(page.head),
        events: page.events.map((e) => ({
          position: e.position,
          chainHash: base64UrlToBytes(e.chainHash) as ChainHash,
          bytes: envelopeBytes({ id: e.id as EventId, payload: base64UrlToBytes(e.payload) }),
        })),
      });
      assert.ok(verified.ok, JSON.stringify(verified));
      trusted = verified.value;
      pulled.push(...page.events.map(({ id, payload }) => ({ id, payload })));
      if (page.events.length === 0 || trusted.position === page.head.position) break;
    }
    assert.deepEqual(pulled, batch);
    assert.equal(trusted.position, 25);
    const middle = await client.vaults.pull({ vaultId, after: 20 });
    assert.deepEqual(
      middle.events.map((e) => e.position),
      [21, 22, 23, 24, 25],
    );
    assert.equal(middle.anchor.position, 20);
  });

  it("answers a pull past the head with the head, so a client sees the rollback", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    await client.vaults.push({ vaultId, events: events(2, deviceId) });
    const page = await client.vaults.pull({ vaultId, after: 7 });
    assert.deepEqual(page.events, []);
    assert.deepEqual(page.anchor, page.head);
    const trusted = { position: 7, hash: GENESIS.hash };
    const verdict = verifySegment({
      trusted,
      anchor: fromWire(page.anchor),
      head: fromWire(page.head),
      events: [],
    });
    assert.equal(verdict.ok ? "ok" : verdict.error.kind, "rollback");
  });

  it("lists the account's one vault, and has no route to add another", async () => {
    const { client, vaultId, session } = await registerAccount(test);
    const listed = await client.vaults.list();
    assert.deepEqual(
      listed.vaults.map((v) => v.vaultId),
      [vaultId],
    );
    const response = await fetch(`${test.server.apiUrl}/vaults`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.token}`, "content-type": "application/json" },
      body: JSON.stringify({ vaultId: newVaultId(), wrappedVaultKey: b64Random(72) }),
    });
    assert.equal(response.status, 404);
    assert.equal((await client.vaults.list()).vaults.length, 1);
  });
});

describe("snapshots", () => {
  it("stores a snapshot anchored to the chain and returns the latest, byte for byte", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    await rejectsWith(client.snapshots.latest({ vaultId }), "NOT_FOUND", 404);
    const pushed = await client.vaults.push({ vaultId, events: events(5, deviceId) });
    const payload = b64SignedSnapshot(deviceId, 500);
    const at3 = pushed.events[2]!;
    const stored = await client.snapshots.put({
      vaultId,
      position: 3,
      chainHash: at3.chainHash,
      payload,
    });
    assert.deepEqual([stored.position, stored.chainHash, stored.size], [3, at3.chainHash, 500]);
    const at5 = pushed.events[4]!;
    await client.snapshots.put({
      vaultId,
      position: 5,
      chainHash: at5.chainHash,
      payload: b64SignedSnapshot(deviceId),
    });
    const latest = await client.snapshots.latest({ vaultId });
    assert.equal(latest.position, 5);
    assert.equal(latest.chainHash, at5.chainHash);
  });

  it("refuses a snapshot whose anchor is not the vault's chain (wrong hash, or past the head)", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const pushed = await client.vaults.push({ vaultId, events: events(2, deviceId) });
    const put = (position: number, chainHash: string) =>
      client.snapshots.put({ vaultId, position, chainHash, payload: b64SignedSnapshot(deviceId) });
    await rejectsWith(put(2, pushed.events[0]!.chainHash), "CHAIN_MISMATCH", 409);
    await rejectsWith(put(3, pushed.head.hash), "CHAIN_MISMATCH", 409);
  });
});

describe("devices", () => {
  it("lists and renames the account's devices, marking the current one", async () => {
    const account = await registerAccount(test);
    const phone = await signInDevice(test, account, "phone");
    const { devices } = await account.client.devices.list();
    assert.deepEqual(
      devices.map((d) => [d.id, d.name, d.current, d.revokedAt]),
      [
        [account.deviceId, "test laptop", true, null],
        [phone.deviceId, "phone", false, null],
      ],
    );
    const renamed = await account.client.devices.rename({
      deviceId: phone.deviceId,
      name: "old phone",
    });
    assert.equal(renamed.name, "old phone");
    await rejectsWith(
      account.client.devices.rename({ deviceId: newDeviceId(), name: "x" }),
      "NOT_FOUND",
      404,
    );
  });

  it("revokes a device: its session fails at once, and it cannot sign in again under that id", async () => {
    const account = await registerAccount(test);
    const phone = await signInDevice(test, account, "phone");
    await phone.client.vaults.head({ vaultId: account.vaultId });
    const revoked = await account.client.devices.revoke({ deviceId: phone.deviceId });
    assert.ok(revoked.revokedAt !== null);
    await rejectsWith(phone.client.vaults.head({ vaultId: account.vaultId }), "UNAUTHORIZED", 401);
    // Its sessions are gone; and were one left behind, the revoked device still would not pass.
    const sessions = await test.server.sql.query(
      "SELECT count(*)::int AS n FROM sessions WHERE device_id = $1",
      [phone.deviceId],
    );
    assert.equal(sessions[0]?.n, 0);
    const tokenHash = createHash("sha256").update(base64UrlToBytes(phone.session.token)).digest();
    await test.server.sql.query(
      `INSERT INTO sessions (token_hash, account_id, device_id, created_at, expires_at)
       SELECT $1, account_id, device_id, now(), now() + interval '1 day' FROM devices WHERE device_id = $2`,
      [tokenHash, phone.deviceId],
    );
    await rejectsWith(phone.client.vaults.head({ vaultId: account.vaultId }), "UNAUTHORIZED", 401);
    await rejectsWith(
      test.client().accounts.login({
        address: account.address,
        authSecret: account.authSecret,
        device: { id: phone.deviceId, name: "phone" },
      }),
      "DEVICE_REVOKED",
      403,
    );
    // The other device is untouched.
    await account.client.vaults.head({ vaultId: account.vaultId });
  });
});
