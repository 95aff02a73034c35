/**
 * The key-log relay (`GET /relay/accounts/{address}/keys`): a signed-in account gets another
 * domain's key log exactly as that domain's server serves it, and nothing else: no private or
 * loopback targets from a server on the public network, no redirects, bounded answers, a rate
 * limit, and a session required.
 */

import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import { createKeypearsClient, WELL_KNOWN_PATH } from "@keypears/api";
import { registerAccount, startTestServer, type TestServer } from "../testing/test-server.ts";
import { rejectsWith } from "../testing/expect-error.ts";
import { isPrivateAddress } from "./remote-fetch.ts";

const entry = {
  seq: 0,
  prev: "",
  createdAt: 1,
  signing: "A".repeat(43),
  x25519: "B".repeat(43),
  xwing: "C".repeat(1622),
  signature: "D".repeat(86),
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        resolve(typeof address === "object" && address !== null ? address.port : 0),
      );
    });
  });

const startAt = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  const port = await freePort();
  return startTestServer({ domain: `localhost:${port}`, port, ...options });
};

let one: TestServer;
let two: TestServer;
/** A server on this machine that answers discovery for its domain, then misbehaves. */
let rogue: Server;
let rogueDomain: string;

before(async () => {
  one = await startAt({ sharing: { relayPerAccount: { capacity: 4, refillPerMinute: 1 } } });
  two = await startAt();
  rogue = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === WELL_KNOWN_PATH) {
      res.end(
        JSON.stringify({
          protocol: "keypears",
          version: 1,
          domain: rogueDomain,
          api: "/api/v1",
          openapi: "/openapi.json",
          limits: {
            maxRequestBytes: 1,
            maxEventBytes: 1,
            maxEventsPerPush: 1,
            maxSnapshotBytes: 1,
          },
        }),
      );
    } else if (req.url?.startsWith("/api/v1/accounts/redirect%40")) {
      res.statusCode = 302;
      res.setHeader("location", `${two.server.apiUrl}/accounts/bob%40${two.server.domain}/keys`);
      res.end();
    } else if (req.url?.startsWith("/api/v1/accounts/huge%40")) {
      const filler = JSON.stringify({ ...entry, xwing: "C".repeat(1622) });
      res.end(`{"address":"huge@${rogueDomain}","entries":[${Array(600).fill(filler).join(",")}]}`);
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
  await new Promise<void>((resolve) => rogue.listen(0, "127.0.0.1", resolve));
  const address = rogue.address();
  rogueDomain = `localhost:${typeof address === "object" && address !== null ? address.port : 0}`;
});
after(async () => {
  rogue.close();
  await Promise.all([one.close(), two.close()]);
});

test("relays another domain's key log exactly as its server serves it, and its own domain's", async () => {
  const alice = await registerAccount(one, "alice");
  const bob = await registerAccount(two, "bob");
  await bob.client.shares.publishKeys({ entries: [entry] });
  await alice.client.shares.publishKeys({ entries: [{ ...entry, signing: "E".repeat(43) }] });
  const direct = await two.client().shares.keys({ address: bob.address });
  const relayed = await alice.client.shares.relayKeys({ address: bob.address });
  assert.deepEqual(relayed, direct);
  const own = await alice.client.shares.relayKeys({ address: alice.address });
  assert.equal(own.entries[0]?.signing, "E".repeat(43));
  // An address with no identity there, and one of a domain with no server.
  await rejectsWith(
    alice.client.shares.relayKeys({ address: `nobody@${two.server.domain}` }),
    "NO_IDENTITY",
    404,
  );
  const closed = await freePort();
  const down = await rejectsWith(
    alice.client.shares.relayKeys({ address: `carol@localhost:${closed}` }),
    "REMOTE_UNREACHABLE",
    502,
  );
  assert.match(JSON.stringify(down.data), /unreachable/);
  // Without a session: refused before anything is fetched.
  await rejectsWith(
    createKeypearsClient(one.server.apiUrl).shares.relayKeys({ address: bob.address }),
    "UNAUTHORIZED",
    401,
  );
});

test("follows no redirect and reads no answer past its bound", async () => {
  const alice = await registerAccount(one, "alice2");
  const redirected = await rejectsWith(
    alice.client.shares.relayKeys({ address: `redirect@${rogueDomain}` }),
    "REMOTE_UNREACHABLE",
    502,
  );
  assert.match(JSON.stringify(redirected.data), /unreachable/);
  const huge = await rejectsWith(
    alice.client.shares.relayKeys({ address: `huge@${rogueDomain}` }),
    "REMOTE_UNREACHABLE",
    502,
  );
  assert.match(JSON.stringify(huge.data), /exceeds 1048576 bytes/);
});

test("a server on the public network never relays to this machine or a private network", async () => {
  const requested: string[] = [];
  const publicServer = await startTestServer({
    domain: "example.test",
    sharing: {
      resolve: async (host) =>
        ({ "evil.test": ["203.0.113.7"], "metadata.test": ["169.254.169.254"] })[host] ?? [],
      fetch: async (url) => {
        requested.push(url instanceof Request ? url.url : url.toString());
        return new Response(
          JSON.stringify({
            protocol: "keypears",
            version: 1,
            domain: "evil.test",
            api: "https://metadata.test/latest",
            openapi: "/openapi.json",
            limits: {
              maxRequestBytes: 1,
              maxEventBytes: 1,
              maxEventsPerPush: 1,
              maxSnapshotBytes: 1,
            },
          }),
          { status: 200, headers: { "content-type": "application/json" } },
        );
      },
    },
  });
  try {
    const alice = await registerAccount(publicServer, "alice");
    for (const address of [`bob@${two.server.domain}`, "bob@127.0.0.1:9", "bob@10.1.2.3"]) {
      const refused = await rejectsWith(
        alice.client.shares.relayKeys({ address }),
        "REMOTE_UNREACHABLE",
        502,
      );
      assert.match(JSON.stringify(refused.data), /plain HTTP|private network|this machine/);
    }
    // evil.test's discovery (public) names an API on a link-local address: never fetched.
    const metadata = await rejectsWith(
      alice.client.shares.relayKeys({ address: "bob@evil.test" }),
      "REMOTE_UNREACHABLE",
      502,
    );
    assert.match(
      JSON.stringify(metadata.data),
      /metadata\.test is an address of a private network/,
    );
    assert.deepEqual(requested, [`https://evil.test${WELL_KNOWN_PATH}`]);
  } finally {
    await publicServer.close();
  }
});

test("relaying is rate-limited per account", async () => {
  const carol = await registerAccount(one, "carol");
  const address = `nobody@${two.server.domain}`;
  for (let i = 0; i < 4; i += 1)
    await rejectsWith(carol.client.shares.relayKeys({ address }), "NO_IDENTITY", 404);
  await rejectsWith(carol.client.shares.relayKeys({ address }), "TOO_MANY_REQUESTS", 429);
});

test("private, loopback and link-local addresses are recognized", () => {
  for (const ip of ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254"])
    assert.equal(isPrivateAddress(ip), true, ip);
  for (const ip of ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "not an ip"])
    assert.equal(isPrivateAddress(ip), true, ip);
  for (const ip of ["203.0.113.7", "8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
    assert.equal(isPrivateAddress(ip), false, ip);
});
