/**
 * The edge of the server against a client that lies about itself: client addresses behind proxies
 * (X-Forwarded-For counted from the right), account enumeration through letter case, and bodies
 * sent before a session is shown.
 */

import { createKeypearsClient, type KeypearsClient } from "@keypears/api";
import { boundedIt } from "@keypears/base/testing";
import assert from "node:assert/strict";
import { request } from "node:http";
import { randomBytes } from "node:crypto";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  newDeviceId,
  newVaultId,
  registerAccount,
  startTestServer,
  TEST_KDF,
  type TestServer,
} from "../testing/test-server.ts";
import { forwardedClient } from "./request-listener.ts";

const it = boundedIt(60_000);

describe("client addresses behind proxies", () => {
  it("takes the entry the outermost trusted proxy added, counting from the right", () => {
    assert.equal(forwardedClient("203.0.113.9", 1), "203.0.113.9");
    assert.equal(forwardedClient("6.6.6.6, 203.0.113.9", 1), "203.0.113.9");
    assert.equal(forwardedClient("6.6.6.6, 203.0.113.9, 10.0.0.2", 2), "203.0.113.9");
    assert.equal(forwardedClient(["6.6.6.6", "203.0.113.9"], 1), "203.0.113.9");
    assert.equal(forwardedClient("203.0.113.9", 3), "203.0.113.9");
    assert.equal(forwardedClient("6.6.6.6", 0), undefined);
    assert.equal(forwardedClient(" , ", 1), undefined);
    assert.equal(forwardedClient(undefined, 1), undefined);
  });

  describe("with one trusted proxy", () => {
    let test: TestServer;
    before(async () => {
      test = await startTestServer({
        trustProxy: 1,
        rateLimits: { register: { capacity: 3, refillPerMinute: 1 } },
      });
    });
    after(() => test.close());

    /** What the proxy forwards: whatever the client claimed, then the address it saw. */
    const through = (claimed: string, seen: string): KeypearsClient =>
      createKeypearsClient(test.server.apiUrl, {
        fetch: (input, init) => {
          const forwarded = new Request(input, init);
          forwarded.headers.set("x-forwarded-for", `${claimed}, ${seen}`);
          return fetch(forwarded);
        },
      });

    it("does not let a client escape a limit by inventing X-Forwarded-For entries", async () => {
      const register = (claimed: string) =>
        through(claimed, "198.51.100.7").accounts.register(registration());
      for (let i = 0; i < 3; i++) await register(`192.0.2.${i}`);
      await rejectsWith(register("192.0.2.200"), "TOO_MANY_REQUESTS", 429);
      // Another real client is unaffected.
      await through("192.0.2.1", "198.51.100.8").accounts.register(registration());
    });
  });
});

describe("account enumeration", () => {
  let test: TestServer;
  before(async () => {
    test = await startTestServer();
  });
  after(() => test.close());

  it("answers pre-login the same for every letter case, known address or not", async () => {
    const known = await registerAccount(test, `alice${randomBytes(3).toString("hex")}`);
    const [name, domain] = known.address.split("@") as [string, string];
    const ask = (address: string) => test.client().accounts.preLogin({ address });
    const real = await ask(known.address);
    assert.deepEqual(await ask(`${name.toUpperCase()}@${domain}`), real);
    assert.deepEqual(await ask(`${name[0]!.toUpperCase()}${name.slice(1)}@${domain}`), real);
    const missing = await ask(`zed${name}@${domain}`);
    assert.deepEqual(await ask(`ZED${name.toUpperCase()}@${domain}`), missing);
    // Same parameters, same shape: nothing tells the made-up answer from the real one.
    assert.deepEqual(missing.kdf, real.kdf);
    assert.equal(missing.salt.length, real.salt.length);
  });

  it("refuses a wrong secret and an unknown address with the same answer", async () => {
    const known = await registerAccount(test);
    const attempt = async (address: string) => {
      const response = await fetch(`${test.server.apiUrl}/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          address,
          authSecret: b64Random(32),
          device: { id: newDeviceId(), name: "x" },
        }),
      });
      return { status: response.status, body: await response.text() };
    };
    const wrong = await attempt(known.address);
    const unknown = await attempt(`nobody${randomBytes(3).toString("hex")}@example.test`);
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown, wrong);
  });
});

describe("a session before a body", () => {
  let test: TestServer;
  before(async () => {
    test = await startTestServer();
  });
  after(() => test.close());

  /** Starts a push with a declared 4 MiB body, sends 1 KiB of it, and waits for the answer. */
  const unfinishedPush = (path: string, token?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${test.server.apiUrl}${path}`, {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": String(4 * 1024 * 1024),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      req.write(Buffer.alloc(1024, 0x20));
    });

  it("refuses a body-carrying route without a valid session before reading the body", async () => {
    const account = await registerAccount(test);
    const path = `/vaults/${account.vaultId}/events`;
    assert.equal(await unfinishedPush(path), 401);
    assert.equal(await unfinishedPush(path, b64Random(32)), 401);
    // The public routes still read their bodies, and a valid session still pushes.
    await test.client().accounts.preLogin({ address: account.address });
    await account.client.vaults.push({ vaultId: account.vaultId, events: [] });
  });
});

function registration() {
  return {
    address: `u${randomBytes(4).toString("hex")}@example.test`,
    authSecret: b64Random(32),
    kdf: TEST_KDF,
    salt: b64Random(16),
    device: { id: newDeviceId(), name: "laptop" },
    vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
  };
}
