/**
 * `keypears move` against two real servers (HTTP, Postgres): a local account becomes a synced one,
 * a synced one changes servers, and a move cut off after its local copy is re-run to completion
 * without a duplicate. What the servers hold is checked from a fresh device that logs in.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type RunningServer, startServer } from "@keypears/server";
import { createFreshPostgresDatabase, type FreshDatabase } from "@keypears/server/testing";
import { listVaultFiles } from "@keypears/vault";
import { main } from "./main.ts";
import { loadSyncServices, type SyncServices } from "./sync-services.ts";
import { createMemoryIo, type MemoryIoOptions } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, type TempHome } from "./testing/run-cli.ts";

const fixtures = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "packages",
  "transfer",
  "src",
  "testing",
  "fixtures",
);
const generous = { capacity: 1000, refillPerMinute: 1000 };

interface TestServer {
  readonly server: RunningServer;
  readonly database: FreshDatabase;
}
const servers: TestServer[] = [];
const homes: TempHome[] = [];
let one: RunningServer;
let two: RunningServer;

const startOn = async (domain: string): Promise<RunningServer> => {
  const database = await createFreshPostgresDatabase();
  const server = await startServer({
    domain,
    port: 0,
    database: { kind: "postgres", url: database.url },
    log: () => {},
    keepAliveMs: 200,
    shutdownGraceMs: 2000,
    rateLimits: { register: generous, login: generous, failedLogins: generous },
  });
  servers.push({ server, database });
  return server;
};

before(async () => {
  one = await startOn("one.test");
  two = await startOn("two.test");
});
after(async () => {
  for (const { server, database } of servers) {
    await server.close();
    await database.drop();
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
  options: MemoryIoOptions & { services?: SyncServices } = {},
) => {
  const io = createMemoryIo({
    ...options,
    env: { KEYPEARS_HOME: home.path, KEYPEARS_PASSWORD: PASSWORD, ...options.env },
  });
  const services = options.services;
  const code = await main(args, {
    io,
    syncServices: services === undefined ? loadSyncServices : async () => services,
  });
  return { code, stdout: io.out(), stderr: io.err() };
};
const ok = async (home: TempHome, args: readonly string[], options?: Parameters<typeof run>[2]) => {
  const result = await run(home, args, options);
  assert.equal(result.code, 0, `keypears ${args.join(" ")}: ${result.stderr}`);
  return result;
};
const json = async (home: TempHome, args: readonly string[], options?: Parameters<typeof run>[2]) =>
  JSON.parse((await ok(home, [...args, "--json"], options)).stdout) as Record<string, unknown>;

/** Titles (live and trashed) and the Prod server's password history, as a fresh device sees them after login. */
const seenFromNewDevice = async (address: string, server: RunningServer, secretKey: string) => {
  const device = newHome();
  await ok(device, ["login", address, "--server", server.url], { stdin: `${secretKey}\n` });
  const live = (await json(device, ["list"])) as unknown as { title: string }[];
  const trash = (await json(device, ["list", "--trash"])) as unknown as { title: string }[];
  const history = JSON.stringify(
    await json(device, ["history", "Prod server", "--field", "password"]),
  );
  return {
    live: live.map((i) => i.title).sort(),
    trash: trash.map((i) => i.title).sort(),
    history: ["zeroth-pw", "first-pw", "current-pw"].filter((v) => history.includes(v)),
  };
};

const EXPECTED = {
  live: ["Company Visa", "Deploy key", "Me", "Prod server", "Wi-Fi à la maison"],
  trash: ["Old forum"],
  history: ["zeroth-pw", "first-pw", "current-pw"],
};

test("a local account moves to a synced one with every item and its history, then is removed here", async () => {
  const laptop = newHome();
  await ok(laptop, ["init", "alice@localhost"]);
  await ok(laptop, ["import", join(fixtures, "bitwarden.json")]);
  const moved = await json(laptop, [
    "move",
    "alice@localhost",
    "--to",
    "alice@one.test",
    "--server",
    one.url,
  ]);
  assert.equal(moved["moved"], true);
  assert.equal(moved["items"], 6);
  assert.equal(moved["copied"], 6);
  assert.deepEqual(listVaultFiles(laptop.path), ["alice@one.test"]);
  assert.deepEqual(
    await seenFromNewDevice("alice@one.test", one, moved["secretKey"] as string),
    EXPECTED,
  );
});

test("a move cut off after the local copy keeps the old account, and the same command finishes it without duplicates", async () => {
  const laptop = newHome();
  await ok(laptop, ["init", "carol@localhost"]);
  await ok(laptop, ["import", join(fixtures, "bitwarden.json")]);
  const real = await loadSyncServices();
  let cut = false;
  const flaky: SyncServices = {
    ...real,
    sync: async (vault, options) => {
      if (!cut && vault.address === "carol@one.test") {
        cut = true;
        return {
          ok: false,
          error: { kind: "unreachable", message: "cannot reach the server (connection reset)" },
        };
      }
      return real.sync(vault, options);
    },
  };
  const first = await run(
    laptop,
    ["move", "carol@localhost", "--to", "carol@one.test", "--server", one.url, "--json"],
    {
      services: flaky,
    },
  );
  assert.equal(first.code, 1);
  assert.match(first.stderr, /carol@localhost is kept: run the same `keypears move` again/);
  const kit = JSON.parse(first.stdout) as { secretKey: string; moved: boolean };
  assert.equal(kit.moved, false, "the new account's recovery kit is still given");
  assert.deepEqual([...listVaultFiles(laptop.path)].sort(), ["carol@localhost", "carol@one.test"]);

  const second = await json(laptop, ["move", "carol@localhost", "--to", "carol@one.test"]);
  assert.equal(second["copied"], 0);
  assert.equal(second["alreadyThere"], 6);
  assert.deepEqual(listVaultFiles(laptop.path), ["carol@one.test"]);
  assert.deepEqual(await seenFromNewDevice("carol@one.test", one, kit.secretKey), EXPECTED);
});

test("a synced account moves to another server; it stays on the old one", async () => {
  const laptop = newHome();
  const created = await json(laptop, ["init", "dave@one.test", "--server", one.url]);
  await ok(laptop, ["import", join(fixtures, "bitwarden.json")]);
  await ok(laptop, ["sync"]);
  // An edit made on another device reaches the new server too: the move pulls first.
  const phone = newHome();
  await ok(phone, ["login", "dave@one.test", "--server", one.url], {
    env: { KEYPEARS_SECRET_KEY: created["secretKey"] as string },
  });
  await ok(phone, ["add", "--title", "From the phone", "--password", "phone-pw"]);
  await ok(phone, ["sync"]);

  const moved = await json(laptop, [
    "move",
    "dave@one.test",
    "--to",
    "dave@two.test",
    "--server",
    two.url,
  ]);
  assert.equal(moved["items"], 7);
  assert.deepEqual(listVaultFiles(laptop.path), ["dave@two.test"]);
  const seen = await seenFromNewDevice("dave@two.test", two, moved["secretKey"] as string);
  assert.deepEqual(seen, { ...EXPECTED, live: [...EXPECTED.live, "From the phone"].sort() });
  const stillThere = await seenFromNewDevice("dave@one.test", one, created["secretKey"] as string);
  assert.deepEqual(stillThere.trash, ["Old forum"]);
});

test("move refuses a local-only target and an account that is not on this device, changing nothing", async () => {
  const laptop = newHome();
  await ok(laptop, ["init", "erin@localhost"]);
  const local = await run(laptop, ["move", "erin@localhost", "--to", "erin2@localhost"]);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /local only/);
  const missing = await run(laptop, ["move", "nobody@localhost", "--to", "x@one.test"]);
  assert.equal(missing.code, 1);
  assert.deepEqual(listVaultFiles(laptop.path), ["erin@localhost"]);
});
