/**
 * The exposed check against a range server of our own on loopback, serving range files made here:
 * found and not found, only 5-digit prefixes sent, off by default, and every way the source can
 * fail (down, silent, an error status, a malformed file, a bad URL) reported, never taken for "safe".
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { systemRandomBytes } from "@keypears/base";
import { checkExposed, parseRange, rangeKey } from "./exposed-passwords.ts";
import { runHealthCheck, type HealthItem, needsAttention } from "./health-report.ts";
import { createStrengthEstimator } from "./password-strength.ts";

const BREACHED = { "hunter2-but-longer-Q": 3861, "Tr0ub4dor&3-breached!x": 1 };
const SAFE = "mK8#vq2!Lz9@wE4$tY7^";
const estimator = createStrengthEstimator();

const sha1Hex = (text: string) => createHash("sha1").update(text).digest("hex").toUpperCase();

/** One range file per prefix: the breached passwords' suffixes, some strangers', and padding. */
const rangeFiles = (): Map<string, string> => {
  const files = new Map<string, string[]>();
  const line = (hex: string, count: number) => {
    const lines = files.get(hex.slice(0, 5)) ?? [];
    lines.push(`${hex.slice(5)}:${count}`);
    files.set(hex.slice(0, 5), lines);
  };
  for (const [password, count] of Object.entries(BREACHED)) line(sha1Hex(password), count);
  for (let i = 0; i < 50; i++) line(sha1Hex(`stranger ${i}`), i + 1);
  // The safe password's prefix has other suffixes and a padding line of its own suffix: count 0.
  const safe = sha1Hex(SAFE);
  line(`${safe.slice(0, 5)}${"0".repeat(35)}`, 12);
  line(safe, 0);
  return new Map([...files].map(([prefix, lines]) => [prefix, lines.join("\r\n")]));
};

let server: Server;
let source = "";
const requests: { url: string; padding: string | undefined }[] = [];
before(async () => {
  const files = rangeFiles();
  server = createServer((request, response) => {
    requests.push({
      url: request.url ?? "",
      padding: request.headers["add-padding"] as string | undefined,
    });
    const match = /^\/range\/([0-9A-F]{5})$/.exec(request.url ?? "");
    if (match === null) {
      response.writeHead(400).end();
      return;
    }
    response
      .writeHead(200, { "content-type": "text/plain" })
      .end(files.get(match[1] as string) ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  source = `http://127.0.0.1:${(server.address() as AddressInfo).port}/range/`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const item = (title: string, password: string): HealthItem => ({
  id: `id-${title}`,
  type: "login",
  title,
  status: "live",
  fields: [
    { name: "password", value: password, eventId: `ev-${title}`, updated: { at: Date.now() } },
    {
      name: "totp",
      value: "JBSWY3DPEHPK3PXP",
      eventId: `tv-${title}`,
      updated: { at: Date.now() },
    },
  ],
});
const items = [
  item("Forum", "hunter2-but-longer-Q"),
  item("Shop", "Tr0ub4dor&3-breached!x"),
  item("Bank", SAFE),
];
const run = (exposed?: Parameters<typeof runHealthCheck>[0]["exposed"]) =>
  runHealthCheck({
    items,
    now: Date.now(),
    randomBytes: systemRandomBytes,
    estimator,
    ...(exposed === undefined ? {} : { exposed }),
  });

test("range keys are the SHA-1 split after 5 hex digits; range files parse without their padding", () => {
  const hex = sha1Hex("password");
  assert.deepEqual(rangeKey("password"), { prefix: hex.slice(0, 5), suffix: hex.slice(5) });
  assert.equal(hex, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"); // the known SHA-1 of "password"
  const parsed = parseRange(`${"A".repeat(35)}:5\r\n${"b".repeat(35)}:0\n\n`);
  assert.deepEqual([...parsed], [["A".repeat(35), 5]]);
  assert.throws(() => parseRange("not a range file"), /malformed line/);
});

test("the check is off by default: no request, and the report says so", async () => {
  requests.length = 0;
  const report = await run();
  assert.deepEqual(report.exposedCheck, { state: "off" });
  assert.equal(report.counts.exposed, 0);
  assert.equal(requests.length, 0);
});

test("turned on, it finds the breached passwords with their counts and sends only prefixes", async () => {
  requests.length = 0;
  const report = await run({ source });
  assert.deepEqual(report.exposedCheck, { state: "done", source, requests: 3 });
  const exposed = report.findings.filter((f) => f.kind === "exposed");
  assert.deepEqual(
    exposed.map((f) => [f.title, f.kind === "exposed" ? f.timesSeen : -1, f.severity]),
    [
      ["Forum", 3861, "critical"],
      ["Shop", 1, "critical"],
    ],
  );
  assert.equal(report.findings[0]?.kind, "exposed", "exposed findings come first");
  assert.ok(!report.findings.some((f) => f.title === "Bank" && f.kind === "exposed"));
  assert.deepEqual(
    requests.map((r) => r.url).sort(),
    items.map((i) => `/range/${sha1Hex(i.fields[0]?.value as string).slice(0, 5)}`).sort(),
  );
  assert.ok(requests.every((r) => r.padding === "true"));
  const sent = JSON.stringify(requests);
  for (const i of items) {
    const password = i.fields[0]?.value as string;
    assert.ok(!sent.includes(password) && !sent.includes(sha1Hex(password).slice(5)));
  }
  assert.ok(!JSON.stringify(report).includes("hunter2"), "no password in the report");
});

test("a source that is down, silent, failing or garbled fails the check, and the report says so", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const downSource = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/range/`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const down = await run({ source: downSource });
  assert.equal(down.exposedCheck.state, "failed");
  assert.match(failure(down.exposedCheck), /could not be reached/);
  assert.equal(needsAttention(down), true);
  assert.equal(down.counts.exposed, 0);
  assert.ok(down.findings.length === 0 || down.findings.every((f) => f.kind !== "exposed"));

  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const started = Date.now();
    const quiet = await run({
      source: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
      timeoutMs: 300,
    });
    assert.match(failure(quiet.exposedCheck), /no answer within 0\.3 s/);
    // The silent server never answers: without the timeout this would wait forever.
    assert.ok(Date.now() - started < 30_000, "the timeout bounds the wait");
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }

  const status = await run({ source: `${source.replace("/range/", "/nope/")}` });
  assert.match(failure(status.exposedCheck), /answered HTTP 400/);

  const garbled = await checkExposed(new Map([["k", "x"]]), {
    source,
    fetch: async () => ({ ok: true, status: 200, text: async () => "<html>maintenance</html>" }),
  });
  assert.ok(!garbled.ok && /malformed line/.test(garbled.error.reason));

  for (const bad of ["ftp://mirror.example/range/", "not a url"]) {
    const refused = await checkExposed(new Map([["k", "x"]]), {
      source: bad,
      fetch: async () => assert.fail("nothing may be sent to a bad source"),
    });
    assert.ok(!refused.ok && /not an http\(s\) URL/.test(refused.error.reason));
  }
});

const failure = (status: { state: string; reason?: string }): string => {
  assert.equal(status.state, "failed");
  return status.reason ?? "";
};
