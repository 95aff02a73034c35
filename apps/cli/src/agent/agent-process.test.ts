/**
 * The agent as a person uses it, every step a separate `keypears` process: unlock once, work
 * without the password, lock, and the password is needed again; another user cannot connect;
 * the idle timeout locks by itself.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync } from "node:fs";
import { join } from "node:path";
import { after } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import {
  assertUserError,
  createTempHome,
  parseJson,
  runCli,
  type TempHome,
} from "../testing/run-cli.ts";

const test = boundedTest();

/** The agent's directory under the home (no XDG_RUNTIME_DIR in these tests). */
const NO_RUNTIME_DIR = { XDG_RUNTIME_DIR: "" };
const homes: TempHome[] = [];
const agents: number[] = [];

after(() => {
  for (const pid of agents) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // Already locked and gone.
    }
  }
  for (const home of homes) home.remove();
});

const newAccount = async (): Promise<TempHome> => {
  const home = createTempHome();
  homes.push(home);
  const init = await runCli(["init", "me@localhost"], { home: home.path, env: NO_RUNTIME_DIR });
  assert.equal(init.code, 0, init.stderr);
  return home;
};

/** Runs a command with no password anywhere: it works only through the agent. */
const noPassword = (home: TempHome, args: readonly string[], input?: string) =>
  runCli(args, {
    home: home.path,
    password: null,
    env: NO_RUNTIME_DIR,
    ...(input === undefined ? {} : { input }),
  });

const unlock = async (home: TempHome, ...flags: string[]): Promise<number> => {
  const result = await runCli(["unlock", "--json", ...flags], {
    home: home.path,
    env: NO_RUNTIME_DIR,
  });
  assert.equal(result.code, 0, result.stderr);
  const { pid, unlocked } = parseJson(result) as { pid: number; unlocked: string };
  assert.equal(unlocked, "me@localhost");
  agents.push(pid);
  return pid;
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded) for the agent process to exit. */
const exited = async (pid: number, withinMs: number): Promise<void> => {
  const deadline = Date.now() + withinMs;
  while (isRunning(pid)) {
    assert.ok(Date.now() < deadline, `agent ${pid} still running after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test("unlock once, work without the password, lock, and it is asked for again", async () => {
  const home = await newAccount();
  const locked = await noPassword(home, ["list"]);
  assertUserError(locked, 1, /no master password given/);

  const pid = await unlock(home, "--timeout", "10m");
  const socket = join(home.path, "agent", "agent.sock");
  assert.equal(existsSync(socket), true);
  const added = await noPassword(home, ["add", "--title", "GitHub", "--username", "alice"]);
  assert.equal(added.code, 0, added.stderr);
  const generated = await noPassword(home, ["add", "--title", "Mail", "--generate", "--json"]);
  assert.equal(generated.code, 0, generated.stderr);
  // Standard input reaches a command run in the agent (`add --json` reads items from it).
  const piped = await noPassword(
    home,
    ["add", "--json"],
    JSON.stringify({ title: "Piped", fields: [{ name: "username", value: "carol" }] }),
  );
  assert.equal(piped.code, 0, piped.stderr);
  const list = await noPassword(home, ["list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual((parseJson(list) as { title: string }[]).map((item) => item.title).sort(), [
    "GitHub",
    "Mail",
    "Piped",
  ]);
  const user = await noPassword(home, ["get", "GitHub", "--field", "username"]);
  assert.equal(user.stdout, "alice\n");
  const edited = await noPassword(home, ["edit", "GitHub", "--username", "bob"]);
  assert.equal(edited.code, 0, edited.stderr);
  // An error inside the agent comes back as the same one line and exit code.
  assertUserError(await noPassword(home, ["get", "Nothing"]), 1, /no item/i);

  const status = await noPassword(home, ["status", "--json"]);
  const agent = (parseJson(status) as { agent: { running: boolean; locksAt: string } }).agent;
  assert.equal(agent.running, true);
  assert.ok(Date.parse(agent.locksAt) > Date.now() + 5 * 60_000, agent.locksAt);
  const statusText = await noPassword(home, ["status"]);
  assert.match(statusText.stdout, /Agent\s+unlocked; locks at/);

  const lock = await noPassword(home, ["lock"]);
  assert.equal(lock.stdout, "Locked.\n");
  await exited(pid, 10_000);
  assert.equal(existsSync(socket), false);
  assertUserError(await noPassword(home, ["get", "GitHub"]), 1, /no master password given/);
  // With the password, the change made through the agent is there: it was saved, not just held.
  const direct = await runCli(["get", "GitHub", "--field", "username"], {
    home: home.path,
    env: NO_RUNTIME_DIR,
  });
  assert.equal(direct.stdout, "bob\n");
  assert.equal(
    (await noPassword(home, ["lock"])).stdout,
    "Nothing to lock: no agent is running.\n",
  );
});

test("a wrong password starts no agent", async () => {
  const home = await newAccount();
  const result = await runCli(["unlock"], {
    home: home.path,
    password: "not the password at all",
    env: NO_RUNTIME_DIR,
  });
  assertUserError(result, 1, /could not unlock/);
  assert.equal(existsSync(join(home.path, "agent", "agent.sock")), false);
});

test("another user cannot reach the agent, and a socket not ours is never used", async () => {
  const home = await newAccount();
  await unlock(home);
  // Even with the home open to everyone, the agent's own directory is not.
  chmodSync(home.path, 0o755);
  const socket = join(home.path, "agent", "agent.sock");
  const asNobody = spawnSync(
    "setpriv",
    [
      "--reuid=nobody",
      "--regid=nogroup",
      "--clear-groups",
      process.execPath,
      "-e",
      `require("node:net").connect(${JSON.stringify(socket)}).on("connect", () => { console.log("CONNECTED"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(0); });`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(asNobody.status, 0, asNobody.stderr);
  assert.equal(asNobody.stdout.trim(), "EACCES");
  // Closed again, so the CLI's warning about a home others can read stays out of what follows.
  chmodSync(home.path, 0o700);

  // A client does not talk to a socket that another user owns (one put in its place).
  chownSync(socket, 65534, 65534);
  assertUserError(await noPassword(home, ["list"]), 1, /no master password given/);
  chownSync(socket, 0, 0);
  assert.equal((await noPassword(home, ["list"])).code, 0);

  // Nor does the agent answer a client without its token.
  const noToken = spawnSync(
    process.execPath,
    [
      "-e",
      `const s = require("node:net").connect(${JSON.stringify(socket)}); s.on("connect", () => s.write(JSON.stringify({ t: "titles", token: "0".repeat(64) }) + "\\n")); s.setEncoding("utf8"); s.on("data", (d) => process.stdout.write(d));`,
    ],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(noToken.stdout.trim(), JSON.stringify({ t: "denied" }));
  assert.equal((await noPassword(home, ["lock"])).code, 0);
});

test("the idle timeout locks the agent", async () => {
  const home = await newAccount();
  const pid = await unlock(home, "--timeout", "3s");
  await exited(pid, 60_000);
  assert.equal(existsSync(join(home.path, "agent", "agent.sock")), false);
  assertUserError(await noPassword(home, ["list"]), 1, /no master password given/);
});

test("unlock refuses a timeout that is not a duration", async () => {
  const home = await newAccount();
  for (const timeout of ["soon", "0s", "2d"])
    assertUserError(
      await runCli(["unlock", "--timeout", timeout], { home: home.path, env: NO_RUNTIME_DIR }),
      2,
      /is not a duration/,
    );
});
