/**
 * The sharing routes on one server: key logs only grow, hand-offs are checked, announcements are
 * refused for unknown or blocked recipients, over the per-sender and per-domain limits, and when
 * the sender's domain does not confirm the share.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  startTestServer,
  registerAccount,
  type TestServer,
  type TestAccount,
} from "../testing/test-server.ts";
import { rejectsWith } from "../testing/expect-error.ts";

let server: TestServer;
let bob: TestAccount;
const entry = {
  seq: 0,
  prev: "",
  createdAt: 1,
  signing: "A".repeat(43),
  x25519: "B".repeat(43),
  xwing: "C".repeat(1622),
  signature: "D".repeat(86),
};

before(async () => {
  server = await startTestServer({
    sharing: {
      perSender: { capacity: 1, refillPerMinute: 1 },
      perDomain: { capacity: 2, refillPerMinute: 1 },
      pollMs: 60_000,
    },
  });
  bob = await registerAccount(server, "bob");
  await bob.client.shares.publishKeys({ entries: [entry] });
});
after(() => server.close());

const announce = (body: unknown) =>
  fetch(`${server.server.apiUrl}/federation/shares`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { code: string }).code }));

test("a key log is served as published, only grows, and is absent for unknown addresses", async () => {
  const served = await server.client().shares.keys({ address: bob.address });
  assert.deepEqual(served.entries, [entry]);
  await rejectsWith(
    bob.client.shares.publishKeys({ entries: [{ ...entry, signing: "E".repeat(43) }] }),
    "KEY_LOG_CONFLICT",
    409,
  );
  assert.deepEqual((await server.client().shares.keys({ address: bob.address })).entries, [entry]);
  await rejectsWith(
    server.client().shares.keys({ address: "nobody@example.test" }),
    "NO_IDENTITY",
    404,
  );
  await rejectsWith(server.client().shares.keys({ address: "bob@other.test" }), "NO_IDENTITY", 404);
});

test("a hand-off must come from the account, to a server address, within the size limit", async () => {
  const now = Date.now();
  const envelope = {
    v: 1,
    suite: "xwing-hkdf-sha256-xchacha20poly1305",
    id: "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",
    from: bob.address,
    to: "carol@elsewhere.test",
    createdAt: now,
    expiresAt: now + 60_000,
    senderKeySeq: 0,
    recipientKeyHead: "0".repeat(64),
    enc: "AAAA",
    ciphertext: "AAAA",
    signature: "AAAA",
  };
  await rejectsWith(
    bob.client.shares.send({ envelope: { ...envelope, from: "mallory@example.test" } }),
    "SHARE_REFUSED",
    400,
  );
  await rejectsWith(
    bob.client.shares.send({ envelope: { ...envelope, to: "carol@localhost" } }),
    "SHARE_REFUSED",
    400,
  );
  await rejectsWith(
    bob.client.shares.send({ envelope: { ...envelope, expiresAt: now - 1 } }),
    "SHARE_REFUSED",
    400,
  );
  await rejectsWith(
    bob.client.shares.send({ envelope: { ...envelope, ciphertext: "A".repeat(70_000) } }),
    "PAYLOAD_TOO_LARGE",
    413,
  );
  assert.equal((await bob.client.shares.outgoing()).shares.length, 0, "nothing was queued");
  const queued = await bob.client.shares.send({ envelope });
  assert.equal(queued.status, "queued");
  await rejectsWith(bob.client.shares.send({ envelope }), "REPLAYED", 409);
  // While queued, the envelope is served to the recipient's server, and only for that recipient.
  const served = await server.client().shares.fetch({ id: envelope.id, to: envelope.to });
  assert.deepEqual(served.envelope, envelope);
  await rejectsWith(
    server.client().shares.fetch({ id: envelope.id, to: "dave@elsewhere.test" }),
    "NOT_FOUND",
    404,
  );
});

test("announcements: unknown and blocked recipients, unconfirmed origins, per-sender and per-domain limits", async () => {
  const id = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c";
  assert.equal(
    (await announce({ id, from: "x@localhost:1", to: "nobody@example.test" })).code,
    "NO_IDENTITY",
  );
  assert.equal(
    (await announce({ id, from: "x@localhost:1", to: "bob@other.test" })).code,
    "SHARE_REFUSED",
  );
  await bob.client.shares.block({ address: "spam@localhost:1", blocked: true });
  assert.deepEqual(await announce({ id, from: "spam@localhost:1", to: bob.address }), {
    status: 403,
    code: "BLOCKED",
  });
  // Nothing answers at localhost:1: the origin cannot confirm the share.
  assert.deepEqual(await announce({ id, from: "x@localhost:1", to: bob.address }), {
    status: 403,
    code: "ORIGIN_UNVERIFIED",
  });
  assert.deepEqual(await announce({ id, from: "x@localhost:1", to: bob.address }), {
    status: 429,
    code: "TOO_MANY_REQUESTS",
  });
  assert.deepEqual(await announce({ id, from: "y@localhost:1", to: bob.address }), {
    status: 429,
    code: "TOO_MANY_REQUESTS",
  });
  assert.deepEqual((await bob.client.shares.inbox()).shares, []);
});
