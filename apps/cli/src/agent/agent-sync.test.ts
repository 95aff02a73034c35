/**
 * `keypears unlock --sync` as a person uses it, every step a separate `keypears` process against a
 * real `keypears serve`: while the laptop's agent is unlocked, an edit made on the phone appears on
 * the laptop without anyone running `sync` there, and the laptop's own edits reach the phone.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { freePort } from "../testing/free-port.ts";
import {
  BIN,
  createTempHome,
  parseJson,
  runCli,
  type TempHome,
  shownCommand,
} from "../testing/run-cli.ts";

// Two devices, a server and some fifteen `keypears` processes: more than most process tests.
const test = boundedTest(600_000);

/** The agent's socket under the home (no XDG_RUNTIME_DIR in these tests). */
const NO_RUNTIME_DIR = { XDG_RUNTIME_DIR: "" };
const laptop = createTempHome();
const phone = createTempHome();
const serverHome = createTempHome();
let server: ChildProcess | undefined;
let address: string;
let agentPid: number | undefined;

before(async () => {
  const port = await freePort();
  address = `alice@localhost:${port}`;
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", String(port), "--domain", `localhost:${port}`],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, KEYPEARS_HOME: serverHome.path },
    },
  );
  server = child;
  await new Promise<void>((resolve, reject) => {
    let log = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk;
      if (log.includes('"msg":"listening"')) resolve();
    });
    child.on("exit", (code) => reject(new Error(`keypears serve exited ${code}: ${log}`)));
  });
});

after(async () => {
  if (agentPid !== undefined) {
    try {
      process.kill(agentPid, "SIGTERM");
    } catch {
      // Locked already.
    }
  }
  const child = server;
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  for (const home of [laptop, phone, serverHome]) home.remove();
});

const ok = async (
  home: TempHome,
  args: readonly string[],
  options: { env?: Record<string, string>; password?: string | null } = {},
) => {
  const result = await runCli(args, {
    home: home.path,
    env: { ...NO_RUNTIME_DIR, ...options.env },
    ...(options.password === undefined ? {} : { password: options.password }),
  });
  assert.equal(result.code, 0, `${shownCommand(args)}\n${result.stderr}`);
  return result;
};

/** A field's value on the laptop, read through its agent: no password is given. */
const onLaptop = async (title: string, field: string): Promise<string | undefined> => {
  const result = await runCli(["get", title, "--field", field], {
    home: laptop.path,
    password: null,
    env: NO_RUNTIME_DIR,
  });
  return result.code === 0 ? result.stdout.trim() : undefined;
};

/** Asks again and again (bounded) until `probe` gives `expected`. */
const eventually = async (
  probe: () => Promise<string | undefined>,
  expected: string,
  withinMs: number,
): Promise<void> => {
  const deadline = Date.now() + withinMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`expected "${expected}" within ${withinMs} ms, last saw ${String(last)}`);
};

test("while unlocked with --sync, the agent keeps the laptop synced: no `sync` is run there", async () => {
  const init = parseJson(await ok(laptop, ["init", address, "--json"])) as { secretKey: string };
  await ok(laptop, ["add", "--title", "Bank", "--username", "alice"]);
  await ok(laptop, ["sync"]);
  await ok(phone, ["login", address], { env: { KEYPEARS_SECRET_KEY: init.secretKey } });

  const unlocked = parseJson(await ok(laptop, ["unlock", "--sync", "--json"])) as {
    pid: number;
  };
  agentPid = unlocked.pid;
  const status = parseJson(await ok(laptop, ["status", "--json"], { password: null })) as {
    agent: { running: boolean; syncing: boolean };
  };
  assert.deepEqual([status.agent.running, status.agent.syncing], [true, true]);

  // An edit and a new item on the phone reach the laptop's agent by themselves.
  await ok(phone, ["edit", "Bank", "--username", "alice-from-phone"]);
  await ok(phone, ["add", "--title", "Mail", "--username", "alice@mail"]);
  await ok(phone, ["sync"]);
  await eventually(() => onLaptop("Bank", "username"), "alice-from-phone", 60_000);
  await eventually(() => onLaptop("Mail", "username"), "alice@mail", 60_000);

  // An edit made through the agent is pushed by it: the phone's next sync brings it.
  await ok(laptop, ["edit", "Mail", "--username", "alice-from-laptop"], { password: null });
  await eventually(
    async () => {
      await ok(phone, ["sync"]);
      return (await ok(phone, ["get", "Mail", "--field", "username"])).stdout.trim();
    },
    "alice-from-laptop",
    60_000,
  );

  await ok(laptop, ["lock"], { password: null });
  const after = await runCli(["get", "Bank"], {
    home: laptop.path,
    password: null,
    env: NO_RUNTIME_DIR,
  });
  assert.notEqual(after.code, 0, "locked: a command needs the password again");
});
