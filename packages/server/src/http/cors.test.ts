/**
 * CORS and Retry-After over real HTTP: every response allows any origin (never with credentials),
 * a preflight is answered for every route, and a 429 carries `Retry-After`.
 */

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  b64Random,
  newDeviceId,
  newVaultId,
  startTestServer,
  TEST_KDF,
  type TestServer,
} from "../testing/index.ts";

let test: TestServer;
before(async () => {
  test = await startTestServer({
    rateLimits: { register: { capacity: 1, refillPerMinute: 1 } },
  });
});
after(() => test.close());

const origin = "https://client.example.org";

const registration = () => ({
  address: `cors-${b64Random(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}@example.test`,
  authSecret: b64Random(32),
  kdf: TEST_KDF,
  salt: b64Random(16),
  device: { id: newDeviceId(), name: "browser" },
  vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
});

describe("CORS", () => {
  it("answers a preflight for an API route with the methods and headers a client needs", async () => {
    const response = await fetch(`${test.server.apiUrl}/vaults/${newVaultId()}/events`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /\bPOST\b/);
    assert.match(response.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    assert.match(response.headers.get("access-control-allow-headers") ?? "", /Content-Type/);
    assert.equal(response.headers.get("access-control-allow-credentials"), null);
  });

  it("allows any origin on answers and errors alike, and exposes Retry-After and the request id", async () => {
    for (const path of [
      "/api/v1/health",
      "/api/v1/account",
      "/.well-known/keypears.json",
      "/openapi.json",
    ]) {
      const response = await fetch(`${test.server.url}${path}`, { headers: { origin } });
      await response.body?.cancel();
      assert.equal(response.headers.get("access-control-allow-origin"), "*", path);
      assert.match(
        response.headers.get("access-control-expose-headers") ?? "",
        /Retry-After/,
        path,
      );
      assert.equal(response.headers.get("access-control-allow-credentials"), null, path);
    }
  });
});

describe("Retry-After", () => {
  it("is sent on a 429, equal to the error's retryAfterSeconds", async () => {
    const post = () =>
      fetch(`${test.server.apiUrl}/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(registration()),
      });
    const first = await post();
    assert.equal(first.status, 201, await first.text());
    const refused = await post();
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as { code: string; data: { retryAfterSeconds: number } };
    assert.equal(body.code, "TOO_MANY_REQUESTS");
    assert.ok(body.data.retryAfterSeconds >= 1);
    assert.equal(refused.headers.get("retry-after"), String(body.data.retryAfterSeconds));
  });

  it("is not sent on other errors", async () => {
    const response = await fetch(`${test.server.apiUrl}/account`);
    await response.body?.cancel();
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("retry-after"), null);
  });
});
