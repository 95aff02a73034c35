import assert from "node:assert/strict";
import { test } from "node:test";
import { PROTOCOL_VERSION } from "@keypears/api";
import { RESET_RETRIES, withRetryOnReset } from "./retry-fetch.ts";
import { discoverServer } from "./server-client.ts";

const reset = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });

test("a request whose connection was reset is sent once more", async () => {
  let calls = 0;
  const flaky: typeof fetch = async () => {
    if (++calls === 1) throw reset();
    return new Response("ok");
  };
  const response = await withRetryOnReset(flaky)("http://server.test/api/v1/vaults/x/events", {
    method: "POST",
    body: "{}",
  });
  assert.equal(await response.text(), "ok");
  assert.equal(calls, 2);
});

test("a request is sent again after each reset until a connection holds, up to the retry count (every pooled socket may be stale)", async () => {
  let calls = 0;
  const stalePool: typeof fetch = async (input) => {
    const request = input as Request;
    assert.equal(await request.text(), '{"payload":"x"}', "each try sends the whole body");
    if (++calls <= RESET_RETRIES) throw reset();
    return new Response("stored");
  };
  const response = await withRetryOnReset(stalePool)(
    "http://server.test/api/v1/vaults/x/snapshots",
    { method: "POST", body: '{"payload":"x"}' },
  );
  assert.equal(await response.text(), "stored");
  assert.equal(calls, RESET_RETRIES + 1);
});

test("other failures, resets past the retry count, and registration are not retried", async () => {
  let calls = 0;
  const refused: typeof fetch = async () => {
    calls++;
    throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
  };
  await assert.rejects(() => withRetryOnReset(refused)("http://server.test/x"));
  assert.equal(calls, 1);
  calls = 0;
  const alwaysReset: typeof fetch = async () => {
    calls++;
    throw reset();
  };
  await assert.rejects(() => withRetryOnReset(alwaysReset)("http://server.test/x"));
  assert.equal(calls, RESET_RETRIES + 1);
  calls = 0;
  await assert.rejects(() =>
    withRetryOnReset(alwaysReset)("http://server.test/api/v1/accounts", {
      method: "POST",
      body: "{}",
    }),
  );
  assert.equal(calls, 1);
});

test("discovery is retried once on a reset too (a keep-alive socket closed during a long Argon2id run)", async () => {
  let calls = 0;
  const flaky: typeof fetch = async () => {
    if (++calls === 1) throw reset();
    return Response.json({
      protocol: "keypears",
      version: PROTOCOL_VERSION,
      domain: "server.test",
      api: "/api/v1",
      openapi: "/openapi.json",
      limits: { maxRequestBytes: 1, maxEventBytes: 1, maxEventsPerPush: 1, maxSnapshotBytes: 1 },
    });
  };
  const found = await discoverServer("server.test", "http://server.test", flaky);
  assert.equal(found.ok ? found.value.apiUrl : found.error.kind, "http://server.test/api/v1");
  assert.equal(calls, 2);
});
