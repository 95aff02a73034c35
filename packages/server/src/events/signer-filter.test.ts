import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe } from "node:test";
import { boundedIt } from "@keypears/base/testing";
import { bytesToBase64Url } from "@keypears/base";
import type { DeviceId } from "@keypears/sync-core";
import fc from "fast-check";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Signed,
  b64SignedSnapshot,
  MIN_SIGNED_PAYLOAD,
  newDeviceId,
  newEventId,
  registerAccount,
  signInDevice,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";
import { eventSignerRefusal } from "./signer-filter.ts";

const it = boundedIt(60_000);

let test: TestServer;
before(async () => {
  test = await startTestServer();
});
after(() => test.close());

const storedEvents = async (vaultId: string): Promise<number> => {
  const [row] = await test.server.sql.query(
    "SELECT count(*)::int AS n FROM events WHERE vault_id = $1",
    [vaultId],
  );
  return Number(row?.n);
};

describe("the server's signer filter on pushed events", () => {
  it("refuses a random payload, naming it, and stores nothing of its batch", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const good = { id: newEventId(), payload: b64Signed(deviceId) };
    const garbage = {
      id: newEventId(),
      payload: bytesToBase64Url(Uint8Array.of(2, 7, ...randomBytes(200))),
    };
    const refused = await rejectsWith(
      client.vaults.push({ vaultId, events: [good, garbage] }),
      "UNSIGNED_PAYLOAD",
      400,
    );
    assert.deepEqual(refused.data, { detail: "unknown kind 7", id: garbage.id });
    assert.match(refused.message, new RegExp(`Event ${garbage.id} is not a well-formed`));
    const short = { id: newEventId(), payload: b64Signed(deviceId).slice(0, 40) };
    await rejectsWith(client.vaults.push({ vaultId, events: [short] }), "UNSIGNED_PAYLOAD", 400);
    assert.equal(await storedEvents(vaultId), 0);
    await client.vaults.push({ vaultId, events: [good] });
    assert.equal(await storedEvents(vaultId), 1, "the good event alone is stored");
  });

  it("takes the formats of protocol version 3 (a batch event, a batch-signed item event) from the session's device alone", async () => {
    const laptop = await registerAccount(test);
    const phone = await signInDevice(test, laptop);
    const { client, vaultId, deviceId } = laptop;
    const v3 = (bytes: readonly number[]) => ({
      id: newEventId(),
      payload: bytesToBase64Url(Uint8Array.of(...bytes)),
    });
    const signer = [...Buffer.from(deviceId, "hex")];
    const batch = v3([2, 3, ...signer, 0, 0, 0, 0, ...randomBytes(120)]);
    const unsigned = v3([3, 1, ...signer, 0, 0, 0, 0, ...randomBytes(120)]);
    // In another device's name: refused, naming the signer, as for version 2.
    for (const forged of [batch, unsigned]) {
      const refused = await rejectsWith(
        phone.client.vaults.push({ vaultId, events: [forged] }),
        "WRONG_SIGNER",
        403,
      );
      assert.deepEqual(refused.data, { signer: deviceId, id: forged.id });
    }
    // Malformed: an unknown kind in version 3, or too short for a box.
    const kind = v3([3, 2, ...signer, 0, 0, 0, 0, ...randomBytes(120)]);
    const refused = await rejectsWith(
      client.vaults.push({ vaultId, events: [batch, kind] }),
      "UNSIGNED_PAYLOAD",
      400,
    );
    assert.deepEqual(refused.data, { detail: "unknown kind 2", id: kind.id });
    const short = v3([3, 1, ...signer, 0, 0, 0, 0, 1, 2]);
    await rejectsWith(client.vaults.push({ vaultId, events: [short] }), "UNSIGNED_PAYLOAD", 400);
    assert.equal(await storedEvents(vaultId), 0);
    // From the session's own device: stored in the order given, the batch first.
    const answer = await client.vaults.push({ vaultId, events: [batch, unsigned] });
    assert.deepEqual(
      answer.events.map((event) => event.id),
      [batch.id, unsigned.id],
    );
    assert.equal(await storedEvents(vaultId), 2);
  });

  it("answers a version-1 payload with the protocol-version message", async () => {
    const { client, vaultId } = await registerAccount(test);
    const legacy = {
      id: newEventId(),
      payload: bytesToBase64Url(Uint8Array.of(1, ...randomBytes(100))),
    };
    const refused = await rejectsWith(
      client.vaults.push({ vaultId, events: [legacy] }),
      "PROTOCOL_MISMATCH",
      400,
    );
    assert.deepEqual(refused.data, { server: 3, client: 1, id: legacy.id });
    assert.match(refused.message, /version 1.*upgrade this KeyPears app/);
    assert.equal(await storedEvents(vaultId), 0);
  });

  it("refuses an event signed in another device's name, and a revoked device's session", async () => {
    const laptop = await registerAccount(test);
    const phone = await signInDevice(test, laptop);
    const { vaultId } = laptop;
    const asLaptop = { id: newEventId(), payload: b64Signed(laptop.deviceId) };
    const refused = await rejectsWith(
      phone.client.vaults.push({ vaultId, events: [asLaptop] }),
      "WRONG_SIGNER",
      403,
    );
    assert.deepEqual(refused.data, { signer: laptop.deviceId, id: asLaptop.id });
    const unknown = newDeviceId();
    await rejectsWith(
      phone.client.vaults.push({
        vaultId,
        events: [{ id: newEventId(), payload: b64Signed(unknown) }],
      }),
      "WRONG_SIGNER",
      403,
    );
    await phone.client.vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(phone.deviceId) }],
    });
    await laptop.client.devices.revoke({ deviceId: phone.deviceId });
    // The revoked device cannot push at all, and no other session can write in its name.
    await rejectsWith(
      phone.client.vaults.push({
        vaultId,
        events: [{ id: newEventId(), payload: b64Signed(phone.deviceId) }],
      }),
      "UNAUTHORIZED",
      401,
    );
    await rejectsWith(
      laptop.client.vaults.push({
        vaultId,
        events: [{ id: newEventId(), payload: b64Signed(phone.deviceId) }],
      }),
      "WRONG_SIGNER",
      403,
    );
    assert.equal(await storedEvents(vaultId), 1);
  });
});

describe("the server's signer filter on snapshots", () => {
  it("stores only a version-2 snapshot signed by the session's device", async () => {
    const laptop = await registerAccount(test);
    const phone = await signInDevice(test, laptop);
    const { client, vaultId, deviceId } = laptop;
    const pushed = await client.vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(deviceId) }],
    });
    const put = (payload: string, via = client) =>
      via.snapshots.put({ vaultId, position: 1, chainHash: pushed.head.hash, payload });
    // The first byte names the payload's version (1 unsigned, 2 signed), so it is fixed here:
    // random bytes began with 1 or 2 in one run of 128, and the test failed by chance.
    await rejectsWith(
      put(bytesToBase64Url(Uint8Array.of(0, ...randomBytes(300)))),
      "UNSIGNED_PAYLOAD",
      400,
    );
    await rejectsWith(
      put(bytesToBase64Url(Uint8Array.of(2, ...randomBytes(20)))),
      "UNSIGNED_PAYLOAD",
      400,
    );
    await rejectsWith(
      put(bytesToBase64Url(Uint8Array.of(1, ...randomBytes(300)))),
      "PROTOCOL_MISMATCH",
      400,
    );
    await rejectsWith(put(b64SignedSnapshot(deviceId), phone.client), "WRONG_SIGNER", 403);
    await rejectsWith(client.snapshots.latest({ vaultId }), "NOT_FOUND", 404);
    const stored = await put(b64SignedSnapshot(deviceId));
    assert.equal(stored.position, 1);
  });
});

describe("eventSignerRefusal", () => {
  it("accepts exactly the well-formed payloads whose signer is the device", () => {
    const device = newDeviceId() as DeviceId;
    const other = newDeviceId();
    const seed = Date.now();
    console.log(`fast-check seed ${seed}`);
    // Random bytes, and payloads built near the rules: versions 1 to 4, kinds 0 to 4, this
    // device or another as signer, lengths around the least a box (and a signature) takes.
    const structured = fc
      .record({
        version: fc.integer({ min: 1, max: 4 }),
        kind: fc.integer({ min: 0, max: 4 }),
        own: fc.boolean(),
        length: fc.integer({ min: 0, max: MIN_SIGNED_PAYLOAD + 40 }),
      })
      .map(({ version, kind, own, length }) => {
        const payload = new Uint8Array(randomBytes(Math.max(length, 10)));
        payload.set([version, kind, ...Buffer.from(own ? device : other, "hex")]);
        return payload.subarray(0, length);
      });
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 300 }), structured),
        (payload) => {
          const refusal = eventSignerRefusal(payload, device);
          const byDevice = Buffer.from(payload.subarray(2, 10)).toString("hex") === device;
          const signed =
            payload[0] === 2 &&
            (payload[1] === 1 || payload[1] === 2 || payload[1] === 3) &&
            payload.length >= MIN_SIGNED_PAYLOAD;
          const batchSigned =
            payload[0] === 3 && payload[1] === 1 && payload.length >= MIN_SIGNED_PAYLOAD - 64;
          assert.equal(refusal === undefined, (signed || batchSigned) && byDevice);
          if (payload[0] === 1) assert.equal(refusal?.kind, "version-1");
        },
      ),
      { seed, numRuns: 1000 },
    );
  });
});
