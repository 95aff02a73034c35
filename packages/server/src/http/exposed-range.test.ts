/**
 * The exposed-password range relay (`GET /api/v1/relay/exposed-range/{prefix}`), against a range
 * server of this test's own on this machine: the prefix is validated before anything is fetched,
 * the body passes through as is, a source that is down, slow, oversized or redirecting is a clear
 * 502/504, a private source is refused unless the operator allowed it, requests are rate-limited
 * per client address, and the prefix never reaches the log.
 */

import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { after, before, test } from "node:test";
import { startTestServer, type TestServer } from "../testing/test-server.ts";
import { shareLimits } from "../serve-workers.ts";
import { DEFAULT_EXPOSED_RANGE_PER_CLIENT, MAX_RANGE_BYTES } from "./exposed-range.ts";

const RANGE = `${"A".repeat(35)}:12\r\n${"0".repeat(35)}:0\r\n`;
let range: Server;
let rangeUrl: string;
const asked: { url: string; padding: string | undefined }[] = [];
let relay: TestServer;
let strict: TestServer;

before(async () => {
  range = createServer((req: IncomingMessage, res) => {
    asked.push({ url: req.url ?? "", padding: req.headers["add-padding"] as string | undefined });
    if (req.url === "/range/ABCDE") {
      res.setHeader("content-type", "text/plain");
      res.end(RANGE);
    } else if (req.url === "/range/00000") {
      res.statusCode = 302;
      res.setHeader("location", "/range/ABCDE");
      res.end();
    } else if (req.url === "/range/FFFFF") {
      res.end("B".repeat(MAX_RANGE_BYTES + 1));
    } else if (req.url === "/range/EEEEE") {
      // Never answers: the relay gives up after its time limit.
      req.socket.setTimeout(0);
    } else {
      res.statusCode = 404;
      res.end("not found");
    }
  });
  await new Promise<void>((resolve) => range.listen(0, "127.0.0.1", resolve));
  const address = range.address();
  rangeUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  relay = await startTestServer({
    exposedRange: {
      source: `${rangeUrl}/range`,
      allowPrivate: true,
      perClient: { capacity: 12, refillPerMinute: 1 },
    },
  });
  strict = await startTestServer({ exposedRange: { source: `${rangeUrl}/range/` } });
});
after(async () => {
  range.closeAllConnections();
  range.close();
  await Promise.all([relay.close(), strict.close()]);
});

const get = (server: TestServer, path: string) =>
  fetch(`${server.server.apiUrl}/relay/exposed-range/${path}`);

test("passes the range body through as text/plain, the prefix upper-cased, padding asked for; logs no prefix", async () => {
  asked.length = 0;
  for (const prefix of ["ABCDE", "abcde"]) {
    const response = await get(relay, prefix);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(await response.text(), RANGE);
  }
  assert.deepEqual(asked, [
    { url: "/range/ABCDE", padding: "true" },
    { url: "/range/ABCDE", padding: "true" },
  ]);
  // Request ids left out: 16 random hex digits hold "abcde" about once in 90,000 requests.
  const logged = relay.logs.join("\n").replace(/"requestId":"[0-9a-f]{16}"/g, "");
  assert.match(logged, /relay\/exposed-range\/\{prefix\}/);
  assert.doesNotMatch(logged, /ABCDE|abcde/);
});

test("refuses anything but 5 hex digits and no query, before fetching anything", async () => {
  asked.length = 0;
  for (const path of [
    "ABCD",
    "ABCDEF",
    "ABCDG",
    "ABCDE/x",
    "ABCDE?x=1",
    "%41BCDE",
    "",
    "../../x",
  ]) {
    const response = await get(relay, path);
    assert.equal(response.status, path === "../../x" ? 404 : 400, path);
  }
  const post = await fetch(`${relay.server.apiUrl}/relay/exposed-range/ABCDE`, { method: "POST" });
  assert.equal(post.status, 405);
  assert.deepEqual(asked, []);
});

test("a source that is down, answers 404, redirects or oversizes is a 502; one that never answers a 504", async () => {
  const failure = async (prefix: string, status: number, reason: RegExp) => {
    const response = await get(relay, prefix);
    assert.equal(response.status, status, prefix);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, "REMOTE_UNREACHABLE");
    assert.match(body.message, reason);
  };
  asked.length = 0;
  await failure("00000", 502, /unreachable/);
  assert.deepEqual(
    asked.map((a) => a.url),
    ["/range/00000"],
    "the redirect was not followed",
  );
  await failure("12345", 502, /HTTP 404/);
  await failure("FFFFF", 502, /exceeds 1048576 bytes/);
  await failure("EEEEE", 504, /no answer within 10 s/);
  const down = await startTestServer({
    exposedRange: { source: "http://127.0.0.1:9/range/", allowPrivate: true },
  });
  try {
    const response = await get(down, "ABCDE");
    assert.equal(response.status, 502);
    assert.match(await response.text(), /unreachable/);
  } finally {
    await down.close();
  }
});

test("a source on this machine or a private network is refused unless the operator allowed it", async () => {
  asked.length = 0;
  const response = await get(strict, "ABCDE");
  assert.equal(response.status, 502);
  assert.match(await response.text(), /private network or of this machine|plain HTTP/);
  const resolved = await startTestServer({
    exposedRange: {
      source: "https://mirror.test/range/",
      resolve: async () => ["192.168.1.20"],
      fetch: async () => new Response(RANGE),
    },
  });
  try {
    const refused = await get(resolved, "ABCDE");
    assert.equal(refused.status, 502);
    assert.match(await refused.text(), /mirror\.test is an address of a private network/);
  } finally {
    await resolved.close();
  }
  assert.deepEqual(asked, []);
});

test("rate-limited per client address", async () => {
  const limited = await startTestServer({
    exposedRange: {
      source: `${rangeUrl}/range/`,
      allowPrivate: true,
      perClient: { capacity: 2, refillPerMinute: 1 },
    },
  });
  try {
    assert.equal((await get(limited, "ABCDE")).status, 200);
    assert.equal((await get(limited, "ABCDE")).status, 200);
    const refused = await get(limited, "ABCDE");
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  } finally {
    await limited.close();
  }
});

test("with --workers N, each worker allows 1/N of the per-client budget, the source kept", () => {
  const shared = shareLimits(
    { domain: "a.test", exposedRange: { source: "https://m.test/r/" } },
    4,
  );
  assert.deepEqual(shared.exposedRange, {
    source: "https://m.test/r/",
    perClient: {
      capacity: DEFAULT_EXPOSED_RANGE_PER_CLIENT.capacity / 4,
      refillPerMinute: DEFAULT_EXPOSED_RANGE_PER_CLIENT.refillPerMinute / 4,
    },
  });
});
