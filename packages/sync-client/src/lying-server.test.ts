/**
 * A malicious server is caught. Each attack runs through a lying proxy in front of a real server;
 * each must stop sync with its own clear error and leave the local vault intact and usable.
 */

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { boundedTest } from "@keypears/base/testing";

import { bytesToBase64Url } from "@keypears/base";
import {
  createDeviceKeyPairs,
  createWebCryptoSignatureCheck,
  DEFAULT_KDF_PARAMS,
  parseSecretKey,
  signAsDevice,
} from "@keypears/crypto";
import {
  attachSignature,
  chainStep,
  type ChainHash,
  type Checkpoint,
  envelopeBytes,
  hashEvent,
  type DeviceId,
  type EventId,
  eventSignatureMessage,
  unsignedEventPayload,
  type VaultId,
} from "@keypears/sync-core";
import { createAheadSignatureVerifier, type PendingEvent, type Vault } from "@keypears/vault";
import { cheapDeps, countingAnswers, createTestHome, expectOk } from "@keypears/vault/testing";
import { loginNewDevice } from "./node-onboarding.ts";
import { createSyncClient } from "./sync-client.ts";
import { describeSnapshotNotice, type SyncError } from "./sync-error.ts";
import {
  closeDevices,
  createSyncedAccount,
  endpointOf,
  PASSWORD,
  serverForFile,
  type TestAccount,
  type TestDevice,
} from "./testing/harness.ts";
import {
  type Attack,
  forkedView,
  isPull,
  type LyingProxy,
  isPush,
  type PullPage,
  rechain,
  startLyingProxy,
} from "./testing/lying-proxy.ts";

const test = boundedTest();

const file = serverForFile();
const { cleanups } = file;

const proxy = async (): Promise<LyingProxy> => {
  const p = await startLyingProxy(file.server.url);
  cleanups.push(() => p.close());
  return p;
};
const track = (...devices: TestDevice[]) => cleanups.push(() => closeDevices(...devices));

const expectSyncError = async (device: TestDevice, kind: SyncError["kind"]): Promise<SyncError> => {
  const result = await device.client.syncOnce();
  assert.equal(result.ok, false, `${device.name} should have detected the attack`);
  const error = (result as { error: SyncError }).error;
  assert.equal(error.kind, kind, JSON.stringify(error));
  return error;
};

/** The vault still lists what it had, still takes an edit, and its verified checkpoint did not move. */
const assertIntact = (vault: Vault, titles: readonly string[], verified: number) => {
  assert.deepEqual(
    vault
      .list()
      .map((i) => i.title)
      .sort(),
    [...titles].sort(),
  );
  assert.equal(vault.sync.verified().position, verified);
  expectOk(vault.add({ fields: { title: "still usable" } }));
  expectOk(vault.purge("still usable"));
};

const onPull =
  (rewrite: (page: PullPage) => PullPage | undefined): Attack =>
  (exchange, body) =>
    isPull(exchange) ? rewrite(body as PullPage) : undefined;

test("rollback: serving an older state than the device verified is caught", async () => {
  const via = await proxy();
  const { first: a } = await createSyncedAccount(via.url);
  track(a);
  for (const title of ["One", "Two", "Three"]) expectOk(a.vault.add({ fields: { title } }));
  await a.sync();
  let old: PullPage | undefined;
  via.attack = async (exchange, body, context) => {
    if (!isPull(exchange)) return undefined;
    old ??= (await context.fetchJson(`${exchange.path}?after=0&limit=1`)) as PullPage;
    const head = { position: 1, hash: old.events[0]!.chainHash };
    return { anchor: head, events: [], head };
  };
  const error = await expectSyncError(a, "rollback");
  // Position 1 is the device's enrolment (docs/PROTOCOL.md 16.4), then the batch event that signs
  // its three items (18.4), then them.
  assert.deepEqual(error, { kind: "rollback", verified: 5, served: 1 });
  assertIntact(a.vault, ["One", "Two", "Three"], 5);
});

/** Watches a device's requests through its proxy, passing every answer through. */
const recordPaths = (via: LyingProxy): string[] => {
  const paths: string[] = [];
  via.attack = (exchange) => {
    paths.push(exchange.path);
    return undefined;
  };
  return paths;
};

test("a head the stream announces ahead of the device saves the head check, and the pull must reach it", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("follower", {}, via.url);
  track(a, b);
  await b.sync();
  expectOk(a.vault.add({ fields: { title: "One" } }));
  await a.sync();
  // A true notice: the sync asks for no head before pulling (its round trip is saved).
  const paths = recordPaths(via);
  const announced = a.vault.sync.verified();
  assert.ok(announced.position > b.vault.sync.verified().position);
  expectOk(await b.client.syncOnce({ announced }));
  assert.equal(paths.filter((path) => path.endsWith("/head")).length, 0, paths.join(" "));
  assert.ok(b.vault.sync.verified().position >= announced.position);
  assert.deepEqual(
    b.vault.list().map((item) => item.title),
    ["One"],
  );
  // Without a notice the head check is still made.
  paths.length = 0;
  expectOk(await b.client.syncOnce());
  assert.equal(paths.filter((path) => path.endsWith("/head")).length, 1, paths.join(" "));
});

test("a head announced on the stream that the pull does not reach is a rollback", async () => {
  const via = await proxy();
  const { first: a } = await createSyncedAccount(via.url);
  track(a);
  for (const title of ["One", "Two", "Three"]) expectOk(a.vault.add({ fields: { title } }));
  await a.sync();
  const verified = a.vault.sync.verified();
  // The stream wakes the device with a head two events further on; the pull serves no more.
  const result = await a.client.syncOnce({
    announced: { position: verified.position + 2, hash: randomBytes(32) as never },
  });
  assert.equal(result.ok, false);
  assert.deepEqual(!result.ok && result.error, {
    kind: "rollback",
    verified: verified.position + 2,
    served: verified.position,
  });
  assertIntact(a.vault, ["One", "Two", "Three"], verified.position);
});

test("a head announced on the stream that is not on the chain the pull serves is a fork", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  expectOk(a.vault.add({ fields: { title: "One" } }));
  await a.sync();
  const real = a.vault.sync.verified();
  const result = await b.client.syncOnce({
    announced: { position: real.position, hash: randomBytes(32) as never },
  });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.kind, "fork", JSON.stringify(result));
});

test("a rolled-back head announced on the stream saves nothing: the head check runs and the rollback is caught", async () => {
  const via = await proxy();
  const { first: a } = await createSyncedAccount(via.url);
  track(a);
  for (const title of ["One", "Two", "Three"]) expectOk(a.vault.add({ fields: { title } }));
  await a.sync();
  let old: PullPage | undefined;
  const paths: string[] = [];
  via.attack = async (exchange, body, context) => {
    paths.push(exchange.path);
    if (!isPull(exchange)) return undefined;
    old ??= (await context.fetchJson(`${exchange.path}?after=0&limit=1`)) as PullPage;
    const head = { position: 1, hash: old.events[0]!.chainHash };
    return { anchor: head, events: [], head };
  };
  const announced = {
    position: 1,
    hash: (await a.vault.sync.eventStore.checkpointAt(a.vault.vaultId, 1))!.hash,
  };
  const result = await a.client.syncOnce({ announced });
  assert.deepEqual(!result.ok && result.error, { kind: "rollback", verified: 5, served: 1 });
  assert.equal(paths.filter((path) => path.endsWith("/head")).length, 1, paths.join(" "));
  assertIntact(a.vault, ["One", "Two", "Three"], 5);
});

test("an event left out of a page is caught", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  for (const title of ["One", "Two", "Three"]) expectOk(a.vault.add({ fields: { title } }));
  await a.sync();
  via.attack = onPull((page) => ({ ...page, events: page.events.filter((e) => e.position !== 2) }));
  const error = await expectSyncError(b, "missing-event");
  assert.equal(error.kind === "missing-event" && error.position, 2);
  assertIntact(b.vault, [], 0);
});

/**
 * Another device's change, pushed before `device`'s next push: the server then places that push
 * after it, so `device` pulls its own events back (a push answered with nothing but them right
 * after its checkpoint is confirmed without a pull: see the tests of that below).
 */
const changeElsewhere = async (account: TestAccount): Promise<void> => {
  const other = await account.join(`other ${++others}`);
  track(other);
  expectOk(other.vault.add({ fields: { title: "Elsewhere" } }));
  await other.sync();
};
let others = 0;

test("an event of this device left out of a consistently re-chained history is caught by its author", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(via.url);
  const a = account.first;
  track(a);
  expectOk(a.vault.add({ fields: { title: "Kept" } }));
  await a.sync();
  const dropped = expectOk(a.vault.add({ fields: { title: "Dropped" } }));
  await changeElsewhere(account);
  via.attack = onPull((page) =>
    rechain(
      page,
      page.events.filter((e) => !droppedIds(a.vault, dropped.id).has(e.id)),
    ),
  );
  const error = await expectSyncError(a, "missing-event");
  assert.match(JSON.stringify(error), /accepted this device's event/);
  assert.deepEqual(
    a.vault
      .list()
      .map((i) => i.title)
      .sort(),
    ["Dropped", "Elsewhere", "Kept"],
  );
});

/** The ids of the events that wrote an item (here: the single event that created it). */
const droppedIds = (vault: Vault, itemId: string) =>
  new Set(expectOk(vault.history(itemId)).fields.flatMap((f) => f.entries.map((e) => e.eventId)));

test("reordering this device's events is caught", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(via.url);
  const a = account.first;
  track(a);
  expectOk(a.vault.add({ fields: { title: "First" } }));
  expectOk(a.vault.add({ fields: { title: "Second" } }));
  await changeElsewhere(account);
  via.attack = onPull((page) => rechain(page, [...page.events].reverse()));
  const error = await expectSyncError(a, "reordered");
  assert.match(JSON.stringify(error), /was promised position/);
  assertIntact(a.vault, ["First", "Second"], 0);
});

/**
 * Syncs and expects success with exactly these events quarantined (position, reason); `expect`
 * runs after the sync, when the proxy has placed what it injected.
 */
const expectQuarantined = async (
  device: TestDevice,
  expect: () => readonly (readonly [number, string])[],
): Promise<void> => {
  const result = await device.client.syncOnce();
  const expected = expect();
  assert.ok(result.ok, `${device.name} must keep syncing: ${JSON.stringify(result)}`);
  assert.deepEqual(
    result.value.quarantined.map((q) => [q.position, q.reason]),
    expected.map(([position, reason]) => [position, reason]),
  );
  const all = device.vault.sync.quarantined().map((q) => [q.position, q.reason]);
  for (const entry of expected) assert.ok(all.some((q) => q[0] === entry[0] && q[1] === entry[1]));
};

/** A version-2 payload signed with `seed` as `signer`, around a box the server made up. */
const forgedPayload = (
  vaultId: string,
  eventId: string,
  kind: "item" | "roster",
  signer: string,
  seed: Uint8Array,
): string => {
  const unsigned = unsignedEventPayload(
    kind,
    signer as DeviceId,
    0,
    new Uint8Array(randomBytes(96)),
  );
  const signature = signAsDevice(
    seed,
    eventSignatureMessage(vaultId as VaultId, eventId as EventId, unsigned),
  );
  return bytesToBase64Url(attachSignature(unsigned, signature));
};

test("an injected event is quarantined with its position and reason, and sync goes on", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  expectOk(a.vault.add({ fields: { title: "Real" } }));
  await a.sync();
  const garbage = new Uint8Array(randomBytes(120));
  garbage[0] = 7; // no payload version this client knows
  const forged = {
    id: "01900000-0000-7000-8000-000000000001",
    payload: bytesToBase64Url(garbage),
  };
  let position = 0;
  via.attack = onPull((page) => {
    const chained = rechain(page, [...page.events, forged]);
    position = chained.events.at(-1)?.position ?? 0;
    return chained;
  });
  await expectQuarantined(b, () => [[position, "malformed"]]);
  assert.equal(expectOk(b.vault.get("Real")).title, "Real");
  assert.equal(b.vault.sync.verified().position, position, "the chain goes on past it");
});

test("an altered event is caught by the chain, or, re-chained, quarantined for its signature", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  expectOk(a.vault.add({ fields: { title: "Real", password: "secret" } }));
  await a.sync();
  const flip = (payload: string) => {
    const bytes = Buffer.from(payload, "base64url");
    bytes[bytes.length - 20]! ^= 1;
    return bytesToBase64Url(bytes);
  };
  via.attack = onPull((page) => ({
    ...page,
    events: page.events.map((e) => ({ ...e, payload: flip(e.payload) })),
  }));
  const unchained = await expectSyncError(b, "tampered");
  assert.match(JSON.stringify(unchained), /do not match the chain hash/);
  assertIntact(b.vault, [], 0);
  // A's events (its enrolment and its item) are altered; B's own come back as B sealed them.
  const ofA = a.vault.sync.verified().position;
  let altered: number[] = [];
  via.attack = onPull((page) => {
    altered = page.events.filter((e) => e.position <= ofA).map((e) => e.position);
    return rechain(
      page,
      page.events.map((e) => (e.position <= ofA ? { ...e, payload: flip(e.payload) } : e)),
    );
  });
  // Every event was altered: the first (A's enrolment) fails its own signature; the rest are
  // then signed by a device this vault never saw enrolled.
  await expectQuarantined(b, () =>
    altered.map((p, i) => [p, i === 0 ? "bad-signature" : "unknown-signer"] as const),
  );
  assert.equal(b.vault.get("Real").ok, false, "an altered event is never applied");
});

test("a device that verifies pulled pages ahead with WebCrypto (as in a browser) still quarantines forged signatures, and took every other answer from WebCrypto", async () => {
  const via = await proxy();
  // A log written by protocol version 2, one signature per event: what a device verifies ahead.
  const account = await createSyncedAccount(file.server, {
    deps: cheapDeps({ unsafeVersion2ItemEventsForTests: true }),
  });
  const a = account.first;
  const webCrypto = createAheadSignatureVerifier(createWebCryptoSignatureCheck());
  const { verifier: counting, taken } = countingAnswers(webCrypto);
  const b = await account.join("victim", {}, via.url, cheapDeps({ signatureVerifier: counting }));
  track(a, b);
  a.vault.transact(() => {
    for (let i = 0; i < 80; i++) expectOk(a.vault.add({ fields: { title: `Item ${i}` } }));
  });
  await a.sync();
  const ofA = a.vault.sync.verified().position;
  const forged = [11, 51];
  assert.ok(ofA > 60);
  // A bit of two item events' signatures (S) flipped, the page re-chained around them.
  const flip = (payload: string) => {
    const bytes = Buffer.from(payload, "base64url");
    bytes[bytes.length - 20]! ^= 1;
    return bytesToBase64Url(bytes);
  };
  via.attack = onPull((page) =>
    rechain(
      page,
      page.events.map((e) =>
        forged.includes(e.position) ? { ...e, payload: flip(e.payload) } : e,
      ),
    ),
  );
  await expectQuarantined(b, () => forged.map((p) => [p, "bad-signature"] as const));
  assert.equal(b.vault.list().length, 78);
  assert.ok(taken.answered >= 78, `the apply took WebCrypto's answers (${taken.answered})`);
});

test("a server that drops, forges or moves batch events (protocol version 3): what they sign is quarantined as unsigned, and what a batch still covers applies", async () => {
  const via = await proxy();
  // Requests of three: a batch event and the two changes it signs (docs/PROTOCOL.md 18.4).
  const account = await createSyncedAccount(file.server, { pushBatch: 3 });
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  await a.sync();
  await b.sync();
  for (let i = 0; i < 6; i++) expectOk(a.vault.add({ fields: { title: `Item ${i}` } }));
  await a.sync();
  const start = b.vault.sync.verified().position;
  const isBatch = (payload: string) => {
    const bytes = Buffer.from(payload, "base64url");
    return bytes[0] === 2 && bytes[1] === 3;
  };
  via.attack = onPull((page) => {
    if (page.events.length === 0) return undefined;
    // As stored: B1 i0 i1 B2 i2 i3 B3 i4 i5.
    assert.deepEqual(
      page.events.map((e) => (isBatch(e.payload) ? "B" : "i")).join(""),
      "BiiBiiBii",
    );
    const [b1, i0, i1, b2, i2, i3, b3, i4, i5] = page.events;
    void b1; // dropped
    const bytes = Buffer.from(b2!.payload, "base64url");
    bytes[bytes.length - 20]! ^= 1; // a bit of its signature
    const forged = { ...b2!, payload: bytesToBase64Url(bytes) };
    // i4 moved ahead of its batch, out of its window.
    return rechain(page, [i0!, i1!, forged, i2!, i3!, i4!, b3!, i5!]);
  });
  await expectQuarantined(b, () => [
    [start + 1, "unsigned"],
    [start + 2, "unsigned"],
    [start + 3, "bad-signature"],
    [start + 4, "unsigned"],
    [start + 5, "unsigned"],
    [start + 6, "unsigned"],
  ]);
  assert.deepEqual(
    b.vault.list().map((item) => item.title),
    ["Item 5"],
  );
});

test("events signed by an unknown key, or under an enrolled device's name with another key, are quarantined", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  expectOk(a.vault.add({ fields: { title: "Real" } }));
  await a.sync();
  const stranger = createDeviceKeyPairs();
  const ids = ["01900000-0000-7000-8000-0000000000a1", "01900000-0000-7000-8000-0000000000a2"];
  const positions: number[] = [];
  via.attack = onPull((page) => {
    const chained = rechain(page, [
      ...page.events,
      {
        id: ids[0]!,
        payload: forgedPayload(
          a.vault.vaultId,
          ids[0]!,
          "item",
          "00000000000000ee",
          stranger.signingSeed,
        ),
      },
      {
        id: ids[1]!,
        payload: forgedPayload(
          a.vault.vaultId,
          ids[1]!,
          "item",
          a.vault.deviceId,
          stranger.signingSeed,
        ),
      },
    ]);
    positions.splice(0, 2, ...chained.events.slice(-2).map((e) => e.position));
    return chained;
  });
  await expectQuarantined(b, () => [
    [positions[0]!, "unknown-signer"],
    [positions[1]!, "bad-signature"],
  ]);
  assert.equal(expectOk(b.vault.get("Real")).title, "Real");
});

test("a roster event forged by the server is quarantined: it cannot seal under the vault key nor sign as a device", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  track(a, b);
  await a.sync();
  const intruder = createDeviceKeyPairs();
  const ids = ["01900000-0000-7000-8000-0000000000b1", "01900000-0000-7000-8000-0000000000b2"];
  const positions: number[] = [];
  via.attack = onPull((page) => {
    const chained = rechain(page, [
      ...page.events,
      // A self-signed enrolment of the server's own device: its box is not under the vault key.
      {
        id: ids[0]!,
        payload: forgedPayload(
          a.vault.vaultId,
          ids[0]!,
          "roster",
          "00000000000000ef",
          intruder.signingSeed,
        ),
      },
      // A "revoke" in A's name: not A's signature.
      {
        id: ids[1]!,
        payload: forgedPayload(
          a.vault.vaultId,
          ids[1]!,
          "roster",
          a.vault.deviceId,
          intruder.signingSeed,
        ),
      },
    ]);
    positions.splice(0, 2, ...chained.events.slice(-2).map((e) => e.position));
    return chained;
  });
  await expectQuarantined(b, () => [
    [positions[0]!, "undecryptable"],
    [positions[1]!, "bad-signature"],
  ]);
  assert.deepEqual(
    b.vault.sync
      .roster()
      .map((e) => e.deviceId)
      .sort(),
    [a.vault.deviceId, b.vault.deviceId].sort(),
    "the roster holds only the real devices",
  );
});

test("events of a device revoked in the roster are quarantined by every other device, which goes on syncing", async () => {
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("phone");
  const thief = await account.join("stolen laptop");
  track(a, b, thief);
  await thief.sync();
  await a.sync();
  await b.sync();
  expectOk(a.vault.sync.writeRosterEvent({ kind: "revoke", deviceId: thief.vault.deviceId }));
  await a.sync();
  // The server (lying, or not yet told) still lets the revoked device push.
  expectOk(thief.vault.add({ fields: { title: "Planted by the thief" } }));
  await thief.sync();
  const planted = thief.vault.sync.verified().position;
  const result = await b.client.syncOnce();
  assert.ok(result.ok, JSON.stringify(result));
  // a's rekey after the revoke did not know of b's enrolment, so it is set aside too (b would
  // have no key); the next sync of an active device rotates again (docs/PROTOCOL.md 16.7). The
  // thief's push: its batch event, then the change it signs (18.4), both by a revoked signer.
  const revokedDetail = `device ${thief.vault.deviceId} was revoked at ${planted - 3}`;
  assert.deepEqual(
    result.value.quarantined.map((q) => [q.position, q.reason, q.detail]),
    [
      [planted - 2, "roster-rule", `no key for device ${b.vault.deviceId}`],
      [planted - 1, "revoked-signer", revokedDetail],
      [planted, "revoked-signer", revokedDetail],
    ],
  );
  assert.equal(b.vault.get("Planted by the thief").ok, false);
  const revoked = b.vault.sync.roster().find((e) => e.deviceId === thief.vault.deviceId);
  assert.ok(revoked?.revokedAt !== null && revoked?.revokedAt !== undefined);
  // b's next sync writes the rekey a's could not be; until it is ordered, what b writes is
  // still sealed under epoch 0 (docs/PROTOCOL.md 16.7, the rotation window).
  await b.sync();
  await a.sync();
  expectOk(b.vault.add({ fields: { title: "B goes on" } }));
  await b.sync();
  await a.sync();
  assert.equal(expectOk(a.vault.get("B goes on")).title, "B goes on");
  assert.equal(a.vault.get("Planted by the thief").ok, false);
  // The thief holds the server's whole log, and not the key of the epoch after its revocation.
  await thief.sync();
  assert.deepEqual(a.vault.sync.keyEpochs(), b.vault.sync.keyEpochs());
  assert.equal(a.vault.sync.keyEpochs().sealing, 1);
  assert.deepEqual(thief.vault.sync.keyEpochs().known, [0]);
  assert.equal(thief.vault.get("B goes on").ok, false);
});

test("a snapshot that does not open is refused and the new device pulls the whole log instead", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server, { snapshotEvery: 1 });
  const a = account.first;
  track(a);
  for (const title of ["One", "Two"]) expectOk(a.vault.add({ fields: { title } }));
  await a.sync(); // uploads a snapshot (every verified event, here)
  let served = false;
  via.attack = (exchange, body) => {
    if (!exchange.path.endsWith("/snapshots/latest")) return undefined;
    served = true;
    const snapshot = body as { payload: string };
    const bytes = Buffer.from(snapshot.payload, "base64url");
    bytes[bytes.length - 70]! ^= 1;
    return { ...snapshot, payload: bytesToBase64Url(bytes) };
  };
  const b = await account.join("new", {}, via.url);
  track(b);
  const report = expectOk(await b.client.syncOnce());
  assert.ok(served, "the new device asked for the snapshot");
  // Not silently: the report says the snapshot was not used and why.
  assert.equal(report.snapshot?.kind, "not-used");
  assert.match(
    describeSnapshotNotice(report.snapshot),
    /could not be used \(.+\); this device pulled and verified the whole history/,
  );
  assert.deepEqual(
    b.vault
      .list()
      .map((i) => i.title)
      .sort(),
    ["One", "Two"],
  );
  assert.equal(b.vault.sync.verified().position, a.vault.sync.verified().position + 1);
});

test("showing two devices different histories (a fork) is caught through the checkpoints inside events", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("forked", {}, via.url);
  track(a, b);
  expectOk(a.vault.add({ fields: { title: "Shared start" } }));
  await a.sync();
  await b.sync();
  const hidden = new Set<string>();
  via.attack = forkedView(() => hidden);
  const secret = expectOk(a.vault.add({ fields: { title: "Hidden from B" } }));
  await a.sync();
  for (const id of droppedIds(a.vault, secret.id)) hidden.add(id);
  expectOk(b.vault.add({ fields: { title: "B one" } }));
  await b.sync(); // B is consistently lied to: nothing it sees is wrong on its own
  expectOk(b.vault.add({ fields: { title: "B two" } }));
  await b.sync();
  assert.equal(b.vault.get("Hidden from B").ok, false);
  const error = await expectSyncError(a, "fork");
  assert.match(JSON.stringify(error), /verified another history/);
  assertIntact(a.vault, ["Shared start", "Hidden from B"], a.vault.sync.verified().position);
});

test("weak KDF parameters from a server are refused before any key is derived", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  track(account.first);
  via.attack = (exchange) =>
    exchange.path.endsWith("/accounts/prelogin")
      ? {
          kdf: { ...DEFAULT_KDF_PARAMS, memoryKiB: 8192, iterations: 1 },
          salt: bytesToBase64Url(randomBytes(16)),
        }
      : undefined;
  const home = createTestHome();
  cleanups.push(() => home.remove());
  const result = await loginNewDevice({
    home: home.path,
    address: account.address,
    password: PASSWORD,
    secretKey: expectOk(parseSecretKey(account.secretKey)),
    server: await endpointOf(via.url),
    deviceName: "new",
  });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? "" : result.error.kind, "key-material");
  assert.match(JSON.stringify(result), /below this client's floor/);
});

test("a vault key or salt that the server swaps at sign-in is refused", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(file.server);
  track(account.first);
  const login = async () => {
    const home = createTestHome();
    cleanups.push(() => home.remove());
    return loginNewDevice({
      home: home.path,
      address: account.address,
      password: PASSWORD,
      secretKey: expectOk(parseSecretKey(account.secretKey)),
      server: await endpointOf(via.url),
      deviceName: "new",
      deps: cheapDeps(),
    });
  };
  type Session = {
    account: { vaults: { vaultId: string; wrappedVaultKey: string }[]; salt: string };
  };
  via.attack = (exchange, reply) => {
    if (!exchange.path.endsWith("/sessions")) return undefined;
    const session = reply as Session;
    return {
      ...session,
      account: {
        ...session.account,
        vaults: session.account.vaults.map((v) => ({
          ...v,
          wrappedVaultKey: bytesToBase64Url(randomBytes(73)),
        })),
      },
    };
  };
  const swappedKey = await login();
  assert.match(JSON.stringify(swappedKey), /key-material.*does not open with your credentials/);
  via.attack = (exchange, reply) =>
    exchange.path.endsWith("/sessions")
      ? {
          ...(reply as Session),
          account: { ...(reply as Session).account, salt: bytesToBase64Url(randomBytes(16)) },
        }
      : undefined;
  const swappedSalt = await login();
  assert.match(JSON.stringify(swappedSalt), /key-material.*other KDF parameters or salt/);
});

test("an existing device refuses to sync when the server's key material changes", async () => {
  const via = await proxy();
  const { first: a } = await createSyncedAccount(via.url);
  track(a);
  expectOk(a.vault.add({ fields: { title: "Mine" } }));
  await a.sync();
  via.attack = (exchange, reply) =>
    exchange.path.endsWith("/account") && exchange.method === "GET"
      ? { ...(reply as object), salt: bytesToBase64Url(randomBytes(16)) }
      : undefined;
  // A client checks on its first sync (and after a failed one): a new one, as each CLI command's.
  const client = createSyncClient(a.vault, await endpointOf(via.url));
  await expectSyncError({ ...a, client }, "key-material");
  // The enrolment, the batch event, the change.
  assertIntact(a.vault, ["Mine"], 3);
});

/**
 * A push answer rewritten: this device's pushed events (a batch event and the change it signs)
 * placed one after the other from `position` on, chained from `from`, or every one given
 * `chainHash`.
 */
const placedAt =
  (
    events: readonly PendingEvent[],
    position: number,
    from: Checkpoint,
    chainHash?: Uint8Array,
  ): Attack =>
  (exchange) => {
    if (!isPush(exchange)) return undefined;
    let hash: Uint8Array = from.hash;
    const placed = events.map((event, i) => {
      hash =
        chainHash ??
        chainStep(
          hash as ChainHash,
          hashEvent(envelopeBytes({ id: event.id, payload: event.payload })),
        );
      return { id: event.id, duplicate: false, position: position + i, chainHash: hash };
    });
    const last = placed.at(-1) as (typeof placed)[number];
    return {
      events: placed.map((e) => ({ ...e, chainHash: bytesToBase64Url(e.chainHash) })),
      head: { position: last.position, hash: bytesToBase64Url(last.chainHash) },
    };
  };

test("a push answer whose chain hash does not add up over the sealed bytes confirms nothing: the device pulls and verifies", async () => {
  const via = await proxy();
  const { first: a } = await createSyncedAccount(via.url);
  track(a);
  await a.sync();
  const trusted = a.vault.sync.verified();
  expectOk(a.vault.add({ fields: { title: "Mine" } }));
  const pushed = expectOk(a.vault.sync.pending(10));
  assert.equal(pushed.length, 2, "the batch event and the change");
  const pulls: string[] = [];
  const lie = placedAt(pushed, trusted.position + 1, trusted, randomBytes(32));
  via.attack = (exchange, body, context) => {
    if (isPull(exchange)) pulls.push(exchange.path);
    return lie(exchange, body, context);
  };
  await a.sync();
  assert.equal(pulls.length, 1, "the device pulled its events back");
  assert.equal(a.vault.sync.verified().position, trusted.position + 2);
});

test("a push answer that places this device's event where the server did not is caught on the next pull", async () => {
  const via = await proxy();
  const account = await createSyncedAccount(via.url);
  const a = account.first;
  track(a);
  await a.sync();
  const trusted = a.vault.sync.verified();
  expectOk(a.vault.add({ fields: { title: "Mine" } }));
  const pushed = expectOk(a.vault.sync.pending(10));
  assert.equal(pushed.length, 2, "the batch event and the change");
  await changeElsewhere(account); // the server places A's events after this change
  // The receipt says A's events came right after A's checkpoint, chained as they would be there.
  via.attack = placedAt(pushed, trusted.position + 1, trusted);
  await a.sync();
  via.attack = undefined;
  const error = await expectSyncError(a, "fork");
  assertIntact(a.vault, ["Mine"], trusted.position + 2);
  assert.ok(error.kind === "fork");
});
