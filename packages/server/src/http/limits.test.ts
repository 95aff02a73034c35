import { createKeypearsClient, type KeypearsClient } from "@keypears/api";
import fc from "fast-check";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  b64Signed,
  newDeviceId,
  newEventId,
  newVaultId,
  registerAccount,
  startTestServer,
  TEST_KDF,
  type TestAccount,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt();

let test: TestServer;
let account: TestAccount;

before(async () => {
  test = await startTestServer({
    trustProxy: 1,
    limits: {
      maxRequestBytes: 64 * 1024,
      maxEventBytes: 1024,
      maxEventsPerPush: 5,
      maxSnapshotBytes: 2048,
    },
    rateLimits: {
      register: { capacity: 2, refillPerMinute: 1 },
      login: { capacity: 3, refillPerMinute: 1 },
      failedLogins: { capacity: 2, refillPerMinute: 1 },
    },
  });
  account = await registerAccount(test);
});
after(() => test.close());

/** A client whose requests come from `ip` (the server trusts X-Forwarded-For here). */
const clientFrom = (ip: string, token?: string): KeypearsClient =>
  createKeypearsClient(test.server.apiUrl, {
    ...(token === undefined ? {} : { token }),
    fetch: (request, init) => {
      const forwarded = new Request(request, init);
      forwarded.headers.set("x-forwarded-for", ip);
      return fetch(forwarded);
    },
  });
let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;

const raw = (path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${account.session.token}`);
  headers.set("x-forwarded-for", freshIp());
  return fetch(`${test.server.apiUrl}${path}`, { ...init, headers });
};
const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const assertHealthy = async () => {
  const response = await fetch(`${test.server.apiUrl}/health`);
  assert.equal(response.status, 200);
};

describe("size limits", () => {
  it("refuses a body over the limit with 413, declared or streamed", async () => {
    const declared = await raw(`/vaults/${account.vaultId}/events`, json("x".repeat(70 * 1024)));
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { code: string }).code, "PAYLOAD_TOO_LARGE");
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let chunks = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => (chunks++ < 64 ? controller.enqueue(chunk) : controller.close()),
    });
    const streamed = await raw(`/vaults/${account.vaultId}/events`, {
      ...json(""),
      body,
      duplex: "half",
    } as RequestInit);
    assert.equal(streamed.status, 413);
    await assertHealthy();
  });

  it("refuses an event over the event size limit, or too many events, storing nothing", async () => {
    const { client, vaultId } = account;
    const event = (bytes: number) => ({ id: newEventId(), payload: b64Random(bytes) });
    const bigEvent = event(1025);
    const named = await rejectsWith(
      client.vaults.push({ vaultId, events: [event(10), bigEvent, event(10)] }),
      "PAYLOAD_TOO_LARGE",
      413,
    );
    // The refusal names the event, so a client can set it aside and send the others.
    assert.deepEqual(named.data, { limit: 1024, unit: "bytes", id: bigEvent.id });
    const many = await rejectsWith(
      client.vaults.push({ vaultId, events: Array.from({ length: 6 }, () => event(10)) }),
      "PAYLOAD_TOO_LARGE",
      413,
    );
    assert.deepEqual(many.data, { limit: 5, unit: "events" });
    assert.equal((await client.vaults.head({ vaultId })).position, 0);
    await client.vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(account.deviceId, 1024) }],
    });
  });

  it("refuses a snapshot over the snapshot limit", async () => {
    const { client, vaultId } = account;
    const head = await client.vaults.head({ vaultId });
    await rejectsWith(
      client.snapshots.put({
        vaultId,
        position: head.position,
        chainHash: head.hash,
        payload: b64Random(2049),
      }),
      "PAYLOAD_TOO_LARGE",
      413,
    );
  });
});

describe("malformed requests", () => {
  it("answers each with a clear 4xx that does not echo what was sent", async () => {
    const secret = b64Random(31);
    const cases: [string, RequestInit, number, RegExp][] = [
      ["/accounts", json("{not json"), 400, /not valid JSON/],
      [
        "/accounts",
        { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" },
        415,
        /JSON/,
      ],
      ["/accounts", json({ ...validRegistration(), authSecret: secret }), 400, /validation/],
      ["/accounts", json({ ...validRegistration(), salt: "AAAA=" }), 400, /validation/],
      ["/accounts", json({ ...validRegistration(), address: "no-at-sign" }), 400, /validation/],
      [
        "/accounts",
        json({ ...validRegistration(), kdf: { ...TEST_KDF, algorithm: "md5" } }),
        400,
        /validation/,
      ],
      ["/accounts", json([1, 2, 3]), 400, /validation/],
      [
        "/accounts",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: Buffer.from([0xff, 0xfe]),
        },
        400,
        /UTF-8/,
      ],
      [`/vaults/${account.vaultId}/events?after=-1`, {}, 400, /validation/],
      [`/vaults/${account.vaultId}/events?after=abc`, {}, 400, /validation/],
      [`/vaults/${account.vaultId}/events?limit=5001`, {}, 400, /validation/],
      [`/vaults/NOT-A-UUID/head`, {}, 400, /validation/],
      [
        `/vaults/${account.vaultId}/events`,
        json({ events: [{ id: "x", payload: "" }] }),
        400,
        /validation/,
      ],
      [
        `/vaults/${account.vaultId}/events`,
        json({ events: [{ id: newEventId(), payload: "Zh" }] }),
        400,
        /validation/,
      ],
      ["/no/such/route", {}, 404, /No such route/],
      [`/vaults/${account.vaultId}/head`, { method: "PUT" }, 404, /No such route/],
    ];
    for (const [path, init, status, message] of cases) {
      const response = await raw(path, init);
      const text = await response.text();
      assert.equal(response.status, status, `${init.method ?? "GET"} ${path}: ${text}`);
      const body = JSON.parse(text) as { message: string };
      assert.match(body.message, message, path);
      assert.ok(!text.includes(secret), "the error does not echo the secret sent");
    }
    assert.equal((await fetch(`${test.server.url}/nowhere`)).status, 404);
    await assertHealthy();
  });

  it("survives arbitrary JSON bodies and queries on every route: never a 5xx, nothing changed", async () => {
    const head = await account.client.vaults.head({ vaultId: account.vaultId });
    const routes = [
      ["POST", "/accounts"],
      ["POST", "/accounts/prelogin"],
      ["POST", "/sessions"],
      ["PUT", "/account/credentials"],
      ["PATCH", `/devices/${account.deviceId}`],
      ["POST", "/vaults"],
      ["POST", `/vaults/${account.vaultId}/events`],
      ["GET", `/vaults/${account.vaultId}/events`],
      ["POST", `/vaults/${account.vaultId}/snapshots`],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.jsonValue({ maxDepth: 4 }),
        fc.dictionary(fc.constantFrom("after", "limit", "x"), fc.string({ maxLength: 12 })),
        async ([method, path], body, query) => {
          const search = new URLSearchParams(query).toString();
          const init: RequestInit =
            method === "GET"
              ? {}
              : {
                  method,
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify(body),
                };
          const response = await raw(`${path}${search === "" ? "" : `?${search}`}`, init);
          await response.body?.cancel();
          return response.status < 500;
        },
      ),
      { numRuns: 150 },
    );
    assert.deepEqual(await account.client.vaults.head({ vaultId: account.vaultId }), head);
    await assertHealthy();
  });
});

describe("rate limits", () => {
  it("limits registrations per client address, with the time to wait", async () => {
    const ip = freshIp();
    const register = () => clientFrom(ip).accounts.register(validRegistration());
    await register();
    await register();
    const refused = await rejectsWith(register(), "TOO_MANY_REQUESTS", 429);
    assert.ok((refused.data as { retryAfterSeconds: number }).retryAfterSeconds >= 1);
    await clientFrom(freshIp()).accounts.register(validRegistration());
  });

  it("limits sign-in attempts per client address", async () => {
    const ip = freshIp();
    const attempt = () =>
      clientFrom(ip).accounts.login({
        address: account.address,
        authSecret: account.authSecret,
        device: { id: newDeviceId(), name: "x" },
      });
    for (let i = 0; i < 3; i++) await attempt();
    await rejectsWith(attempt(), "TOO_MANY_REQUESTS", 429);
  });

  it("lets nobody lock an owner out: failures from anywhere, in any letter case, never block the right secret", async () => {
    const target = await registerAccount(test);
    const [name, domain] = target.address.split("@") as [string, string];
    const variants = [
      target.address,
      `${name.toUpperCase()}@${domain}`,
      `${name}@${domain.toUpperCase()}`,
    ];
    const login = (address: string, authSecret: string) =>
      clientFrom(freshIp()).accounts.login({
        address,
        authSecret,
        device: { id: newDeviceId(), name: "x" },
      });
    // Twelve failures, more than the server-wide failure budget (2 here): 401s, then 429s.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const failed = await login(variants[i % 3] as string, b64Random(32)).then(
        () => 201,
        (error: { status: number }) => error.status,
      );
      statuses.push(failed);
    }
    assert.deepEqual(
      [...new Set(statuses)].sort((a, b) => a - b),
      [401, 429],
    );
    // The owner signs in at once, and can still change the credentials.
    const session = await login(target.address, target.authSecret);
    assert.equal(session.account.address, target.address);
    const owner = clientFrom(freshIp(), session.token);
    const newSecret = b64Random(32);
    await owner.accounts.changeCredentials({
      currentAuthSecret: target.authSecret,
      authSecret: newSecret,
      kdf: TEST_KDF,
      salt: b64Random(16),
      vaults: [{ vaultId: target.vaultId, wrappedVaultKey: b64Random(72) }],
    });
    await login(target.address, newSecret);
    const refused = await rejectsWith(
      login(target.address, target.authSecret),
      "TOO_MANY_REQUESTS",
      429,
    );
    assert.ok((refused.data as { retryAfterSeconds: number }).retryAfterSeconds >= 1);
  });
});

function validRegistration() {
  return {
    address: `u${randomBytes(4).toString("hex")}@example.test`,
    authSecret: b64Random(32),
    kdf: TEST_KDF,
    salt: b64Random(16),
    device: { id: newDeviceId(), name: "laptop" },
    vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
  };
}
