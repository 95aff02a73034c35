/**
 * Sharing between two real servers (`localhost:P1` and `localhost:P2`, HTTP, Postgres), through
 * the CLI: Alice on server 1 shares with Bob on server 2, Bob accepts on his second device; a
 * share sent while Bob's server is down arrives when it returns, with Alice offline; the attacks
 * of issue 15 are each refused with a clear error; local-only and unknown addresses are refused;
 * neither server's tables nor logs hold the plaintext.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { base64UrlToBytes, type Address, systemRandomBytes } from "@keypears/base";
import { type RunningServer, startServer } from "@keypears/server";
import { createFreshPostgresDatabase, type FreshDatabase } from "@keypears/server/testing";
import { generateIdentity, sealShare, verifyKeyLog, type KeyLogEntry } from "@keypears/share";
import { main } from "./main.ts";
import { loadSyncServices } from "./sync-services.ts";
import { freePort } from "./testing/free-port.ts";
import { createMemoryIo } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, type TempHome } from "./testing/run-cli.ts";

const generous = { capacity: 1000, refillPerMinute: 1000 };
const SECRET = "hunter2-secret-Zq8";
const TITLE = "Bank of Ostrava";
const fastDelivery = { initialBackoffMs: 100, maxBackoffMs: 400, pollMs: 100 };

interface Running {
  server: RunningServer;
  readonly database: FreshDatabase;
  readonly port: number;
  readonly logs: string[];
}
let one: Running;
let two: Running;
const homes: TempHome[] = [];

const start = async (port: number, database: FreshDatabase, logs: string[]) =>
  startServer({
    domain: `localhost:${port}`,
    port,
    database: { kind: "postgres", url: database.url },
    log: (line) => logs.push(line),
    keepAliveMs: 200,
    shutdownGraceMs: 2000,
    rateLimits: { register: generous, login: generous, failedLogins: generous },
    sharing: fastDelivery,
  });

const boot = async (): Promise<Running> => {
  const port = await freePort();
  const database = await createFreshPostgresDatabase();
  const logs: string[] = [];
  return { server: await start(port, database, logs), database, port, logs };
};

before(async () => {
  one = await boot();
  two = await boot();
});
after(async () => {
  for (const running of [one, two]) {
    await running.server.close();
    await running.database.drop();
  }
  for (const home of homes) home.remove();
});

const newHome = (): TempHome => {
  const home = createTempHome();
  homes.push(home);
  return home;
};
const run = async (
  home: TempHome,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
) => {
  const io = createMemoryIo({
    env: { KEYPEARS_HOME: home.path, KEYPEARS_PASSWORD: PASSWORD, ...env },
  });
  const code = await main(args, { io, syncServices: loadSyncServices });
  return { code, stdout: io.out(), stderr: io.err() };
};
const ok = async (
  home: TempHome,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
) => {
  const result = await run(home, args, env);
  assert.equal(result.code, 0, `keypears ${args.join(" ")}: ${result.stderr}`);
  return result;
};
const json = async <T = Record<string, unknown>>(home: TempHome, args: readonly string[]) =>
  JSON.parse((await ok(home, [...args, "--json"])).stdout) as T;

/** Polls until `check` holds (each round is a real request), failing after `ms`. */
const eventually = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
};

interface InboxRow {
  id: string;
  from: string;
  valid: boolean;
  title?: string;
  problem?: string;
}
const inbox = (home: TempHome) => json<InboxRow[]>(home, ["inbox"]);
const outbox = async (running: Running, id: string) =>
  (
    await running.server.sql.query(
      "SELECT status, last_error, attempts FROM share_outbox WHERE share_id = $1",
      [id],
    )
  )[0];

let alice: TempHome;
let bobLaptop: TempHome;
let bobSecretKey = "";
let aliceAddress = "";
let bobAddress = "";

test("Alice on server 1 shares with Bob on server 2; Bob accepts on his second device", async () => {
  aliceAddress = `alice@localhost:${one.port}`;
  bobAddress = `bob@localhost:${two.port}`;
  alice = newHome();
  bobLaptop = newHome();
  await ok(alice, ["init", aliceAddress]);
  await ok(alice, ["add", "--title", TITLE, "--username", "alice", "--password", SECRET]);
  const bob = await json(bobLaptop, ["init", bobAddress]);
  bobSecretKey = bob["secretKey"] as string;
  // Bob's identity was made by `init`: his server serves his key log before any sharing command,
  // and `init` printed the safety number of its keys.
  const bobNumber = (bob["sharing"] as { safetyNumber: string | null }).safetyNumber;
  assert.match(bobNumber ?? "", /^\d{5}( \d{5}){11}$/);
  const served = await fetch(
    `${two.server.apiUrl}/accounts/${encodeURIComponent(bobAddress)}/keys`,
  );
  assert.equal(served.status, 200);

  const sent = await json(alice, [
    "share",
    TITLE,
    "--to",
    bobAddress,
    "--message",
    "the bank login",
  ]);
  assert.equal(sent["status"], "queued");
  await eventually("the share in Bob's inbox", async () => (await inbox(bobLaptop)).length === 1);
  const [entry] = await inbox(bobLaptop);
  assert.equal(entry?.from, aliceAddress);
  assert.equal(entry?.valid, true);
  assert.equal(entry?.title, TITLE);
  assert.equal((await outbox(one, sent["id"] as string))?.["status"], "delivered");

  const phone = newHome();
  await ok(phone, ["login", bobAddress], { KEYPEARS_SECRET_KEY: bobSecretKey });
  const accepted = await json(phone, ["accept", sent["id"] as string]);
  assert.equal(accepted["from"], aliceAddress);
  const item = await json(phone, ["get", TITLE, "--reveal"]);
  assert.match(JSON.stringify(item), new RegExp(SECRET));
  assert.match(JSON.stringify(item), new RegExp(`Shared by.*${aliceAddress.replace(":", ".")}`));
  assert.deepEqual(await inbox(bobLaptop), []);
  // The identity and the pinned contact are system items: not in Bob's list.
  const listed = await json<{ title: string }[]>(phone, ["list"]);
  assert.deepEqual(
    listed.map((i) => i.title),
    [TITLE],
  );
  await ok(bobLaptop, ["sync"]);
  assert.match(
    JSON.stringify(await json(bobLaptop, ["get", TITLE, "--reveal"])),
    new RegExp(SECRET),
  );

  // Both saw each other's safety number; verifying marks the contact.
  const verified = await json(bobLaptop, ["contacts", "verify", aliceAddress]);
  const aliceOwn = await json<{ self: { safetyNumber: string } }>(alice, ["contacts"]);
  assert.equal(verified["safetyNumber"], aliceOwn.self.safetyNumber);
});

test("neither server's tables nor logs hold the plaintext", async () => {
  for (const running of [one, two]) {
    const tables = await running.server.sql.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    for (const { tablename } of tables) {
      const rows = await running.server.sql.query(`SELECT * FROM "${tablename}"`);
      const dump = JSON.stringify(rows, (_, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v,
      );
      for (const plaintext of [SECRET, TITLE, "the bank login"])
        assert.ok(!dump.includes(plaintext), `${tablename} holds "${plaintext}"`);
    }
    const logs = running.logs.join("\n");
    for (const plaintext of [SECRET, TITLE, "the bank login"]) assert.ok(!logs.includes(plaintext));
  }
});

test("Bob's server is down when Alice sends; the share arrives when it returns, Alice offline", async () => {
  await ok(alice, ["add", "--title", "Wi-Fi", "--password", "wifi-pass-7781"]);
  await two.server.close();
  const sent = await json(alice, ["share", "Wi-Fi", "--to", bobAddress]);
  const id = sent["id"] as string;
  await eventually(
    "a failed attempt",
    async () => Number((await outbox(one, id))?.["attempts"]) >= 2,
  );
  assert.equal((await outbox(one, id))?.["status"], "queued");
  // Alice's CLI is done: nothing of hers runs from here on. Server 2 comes back on its port.
  two.server = await start(two.port, two.database, two.logs);
  await eventually(
    "delivery after the restart",
    async () => (await outbox(one, id))?.["status"] === "delivered",
  );
  const rows = await inbox(bobLaptop);
  assert.ok(rows.some((row) => row.id === id && row.valid && row.title === "Wi-Fi"));
  await ok(bobLaptop, ["decline", id]);
  assert.ok(!(await inbox(bobLaptop)).some((row) => row.id === id));
});

const federationPost = (running: Running, body: unknown) =>
  fetch(`${running.server.apiUrl}/federation/shares`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const bobLog = async () => {
  const response = await fetch(
    `${two.server.apiUrl}/accounts/${encodeURIComponent(bobAddress)}/keys`,
  );
  const body = (await response.json()) as { entries: KeyLogEntry[] };
  const verified = verifyKeyLog(bobAddress as Address, body.entries);
  assert.ok(verified.ok);
  return verified.value;
};

/** Puts an envelope into server 1's delivery queue, as a malicious server 1 would. */
const queueOnServerOne = async (envelope: {
  id: string;
  to: string;
  from: string;
  expiresAt: number;
}) => {
  await one.server.sql.query(
    `INSERT INTO share_outbox (share_id, recipient, sender, envelope, status, next_attempt_at, created_at, expires_at)
     VALUES ($1, $2, $3, $4, 'queued', now(), now(), $5)`,
    [
      envelope.id,
      envelope.to,
      envelope.from,
      JSON.stringify(envelope),
      new Date(envelope.expiresAt),
    ],
  );
};

test("attack: Alice's server forges a share from Alice (it has no signing key): Bob refuses it", async () => {
  const now = Date.now();
  const forged = sealShare({
    id: crypto.randomUUID(),
    from: aliceAddress as Address,
    to: bobAddress as Address,
    createdAt: now,
    expiresAt: now + 86_400_000,
    sender: generateIdentity(systemRandomBytes),
    senderKeySeq: 0,
    recipient: await bobLog(),
    content: { title: "Forged", type: "login", fields: { password: "forged" } },
    randomBytes: systemRandomBytes,
  });
  assert.ok(forged.ok);
  await queueOnServerOne(forged.value);
  await eventually(
    "the forged share's delivery",
    async () => (await outbox(one, forged.value.id))?.["status"] === "delivered",
  );
  const row = (await inbox(bobLaptop)).find((r) => r.id === forged.value.id);
  assert.equal(row?.valid, false);
  assert.match(row?.problem ?? "", /signature is not .*forged or altered/);
  const refused = await run(bobLaptop, ["accept", forged.value.id]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not accepted: its signature is not/);
  assert.equal((await json<unknown[]>(bobLaptop, ["list", "--search", "Forged"])).length, 0);
  await ok(bobLaptop, ["decline", forged.value.id]);
});

test("attack: a share redirected to another recipient is refused by that recipient", async () => {
  const carol = newHome();
  const carolAddress = `carol@localhost:${two.port}`;
  await ok(carol, ["init", carolAddress]);
  await ok(carol, ["inbox"]);
  await ok(alice, ["add", "--title", "Redirected", "--password", "redirect-pw-1"]);
  const sent = await json(alice, ["share", "Redirected", "--to", bobAddress]);
  await eventually(
    "delivery to Bob",
    async () => (await outbox(one, sent["id"] as string))?.["status"] === "delivered",
  );
  const stored = (
    await two.server.sql.query("SELECT envelope FROM share_inbox WHERE share_id = $1", [
      sent["id"] as string,
    ])
  )[0];
  const envelope = JSON.parse(stored?.["envelope"] as string) as {
    id: string;
    to: string;
    from: string;
    expiresAt: number;
  };
  await queueOnServerOne({ ...envelope, to: carolAddress });
  await eventually("delivery to Carol", async () => (await inbox(carol)).length === 1);
  const [row] = await inbox(carol);
  assert.equal(row?.valid, false);
  const refused = await run(carol, ["accept", envelope.id]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not accepted/);
  await ok(bobLaptop, ["decline", envelope.id]);
});

test("attack: a third server claiming Alice's domain, and a replayed share, are refused", async () => {
  const claimed = await federationPost(two, {
    id: crypto.randomUUID(),
    from: aliceAddress,
    to: bobAddress,
  });
  assert.equal(claimed.status, 403);
  assert.equal(((await claimed.json()) as { code: string }).code, "ORIGIN_UNVERIFIED");

  const [delivered] = await one.server.sql.query<{ share_id: string }>(
    "SELECT share_id FROM share_outbox WHERE status = 'delivered' AND sender = $1 ORDER BY created_at LIMIT 1",
    [aliceAddress],
  );
  const replayed = await federationPost(two, {
    id: delivered?.share_id,
    from: aliceAddress,
    to: bobAddress,
  });
  assert.equal(replayed.status, 409);
  assert.equal(((await replayed.json()) as { code: string }).code, "REPLAYED");
  assert.deepEqual(await inbox(bobLaptop), []);
});

test("attack: an oversized share is refused by the receiving server", async () => {
  const now = Date.now();
  const big = {
    v: 1,
    suite: "xwing-hkdf-sha256-xchacha20poly1305",
    id: crypto.randomUUID(),
    from: aliceAddress,
    to: bobAddress,
    createdAt: now,
    expiresAt: now + 86_400_000,
    senderKeySeq: 0,
    recipientKeyHead: "0".repeat(64),
    enc: "AAAA",
    ciphertext: "A".repeat(70_000),
    signature: "AAAA",
  };
  await queueOnServerOne(big);
  await eventually("the refusal", async () => (await outbox(one, big.id))?.["status"] === "failed");
  assert.match(String((await outbox(one, big.id))?.["last_error"]), /PAYLOAD_TOO_LARGE/);
  assert.deepEqual(await inbox(bobLaptop), []);
});

test("attack: Bob's server substitutes Bob's key after Alice pinned it: Alice stops with a warning", async () => {
  const [saved] = await two.server.sql.query<{ entries: string }>(
    "SELECT entries FROM key_logs WHERE account_id = (SELECT account_id FROM accounts WHERE address = $1)",
    [bobAddress],
  );
  const impostor = generateIdentity(systemRandomBytes);
  const { appendKeyLogEntry } = await import("@keypears/share");
  const fake = appendKeyLogEntry(
    bobAddress as Address,
    [],
    impostor,
    impostor.publicKeys,
    Date.now(),
  );
  await two.server.sql.query("UPDATE key_logs SET entries = $1 WHERE entries = $2", [
    JSON.stringify([fake]),
    saved?.entries ?? "",
  ]);
  const refused = await run(alice, ["share", TITLE, "--to", bobAddress]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /was replaced since you pinned it.*Sending to .* is stopped/);
  assert.equal(
    (await one.server.sql.query("SELECT 1 FROM share_outbox WHERE status = 'queued'")).length,
    0,
  );
  // `contacts verify --reset` re-pins: here to the impostor's log, whose safety number is not Bob's.
  const repinned = await json(alice, ["contacts", "verify", bobAddress, "--reset"]);
  const bobOwn = await json<{ self: { safetyNumber: string } }>(bobLaptop, ["contacts"]);
  assert.notEqual(repinned["safetyNumber"], bobOwn.self.safetyNumber);
  await two.server.sql.query("UPDATE key_logs SET entries = $1 WHERE entries = $2", [
    saved?.entries ?? "",
    JSON.stringify([fake]),
  ]);
  // The real log is back, but Alice pinned the impostor's: still stopped, until she re-pins.
  const stillRefused = await run(alice, ["share", TITLE, "--to", bobAddress]);
  assert.equal(stillRefused.code, 1);
  assert.match(stillRefused.stderr, /was replaced since you pinned it/);
  const fixed = await json(alice, ["contacts", "verify", bobAddress, "--reset"]);
  assert.equal(fixed["safetyNumber"], bobOwn.self.safetyNumber);
  const sent = await json(alice, ["share", TITLE, "--to", bobAddress]);
  await eventually(
    "delivery after re-pinning",
    async () => (await outbox(one, sent["id"] as string))?.["status"] === "delivered",
  );
  await ok(bobLaptop, ["decline", sent["id"] as string]);
  assert.equal(base64UrlToBytes(fake.signature).length, 64);
});

test("attack: a share from a blocked sender is refused by Bob's server", async () => {
  await ok(bobLaptop, ["contacts", "block", aliceAddress]);
  const sent = await json(alice, ["share", TITLE, "--to", bobAddress]);
  await eventually(
    "the refusal",
    async () => (await outbox(one, sent["id"] as string))?.["status"] === "failed",
  );
  assert.equal((await outbox(one, sent["id"] as string))?.["last_error"], "BLOCKED");
  assert.deepEqual(await inbox(bobLaptop), []);
  await ok(bobLaptop, ["contacts", "unblock", aliceAddress]);
});

test("a local-only account can neither send nor receive; an unknown address is a clear error", async () => {
  const dave = newHome();
  await ok(dave, ["init", "dave@localhost"]);
  await ok(dave, ["add", "--title", "Local", "--password", "x"]);
  const send = await run(dave, ["share", "Local", "--to", bobAddress]);
  assert.equal(send.code, 1);
  assert.match(send.stderr, /dave@localhost is a local-only account.*neither send nor receive/);
  const box = await run(dave, ["inbox"]);
  assert.equal(box.code, 1);
  assert.match(box.stderr, /local-only/);
  const toLocal = await run(alice, ["share", TITLE, "--to", "dave@localhost"]);
  assert.equal(toLocal.code, 1);
  assert.match(toLocal.stderr, /dave@localhost is a local-only account/);

  const unknown = await run(alice, ["share", TITLE, "--to", `nobody@localhost:${two.port}`]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /nobody@localhost:\d+ does not exist or has not set up sharing/);
});
