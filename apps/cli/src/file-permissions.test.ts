/**
 * The files the CLI keeps, through the real binary: folders 0700 and vault files (with SQLite's
 * side files) 0600 even in a folder that already existed; a warning when others can read them, a
 * refusal for a folder anyone can write to; and file-system failures that say which path and
 * which permission, never "no account yet" or a bug report. Run as root (as CI containers are),
 * the commands run as `nobody`, since root passes every permission check.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { assertUserError, createTempHome, parseJson, runCli } from "./testing/run-cli.ts";

const test = boundedTest();

const NOBODY = 65534;
const uid = process.getuid?.() === 0 ? NOBODY : undefined;

const base = createTempHome();
after(() => base.remove());
const home = join(base.path, "home");
const vaults = join(home, "vaults");
const vault = join(vaults, "eve@localhost.vault");
if (uid !== undefined) chownSync(base.path, uid, uid);

const kp = (args: readonly string[]) =>
  runCli(args, { home, env: { HOME: base.path }, ...(uid === undefined ? {} : { uid }) });
const mode = (path: string) => statSync(path).mode & 0o777;

before(async () => {
  // The vault folder exists before the first vault: the case that used to give a 0644 file.
  mkdirSync(vaults, { recursive: true, mode: 0o700 });
  if (uid !== undefined) for (const path of [home, vaults]) chownSync(path, uid, uid);
  const init = await kp(["init", "eve@localhost"]);
  assert.equal(init.code, 0, init.stderr);
  assert.equal((await kp(["add", "--title", "Bank"])).code, 0);
});

test("the vault file and SQLite's side files are 0600, folders 0700", async () => {
  const running = await kp(["list"]);
  assert.equal(running.code, 0, running.stderr);
  assert.equal(running.stderr, "", "no permission warning for a home KeyPears made");
  assert.equal(mode(vault).toString(8), "600");
  for (const side of ["-wal", "-shm"])
    if (existsSync(`${vault}${side}`)) assert.equal(mode(`${vault}${side}`).toString(8), "600");
  assert.equal(mode(home).toString(8), "700");
  assert.equal(mode(vaults).toString(8), "700");
});

test("a home or vault others can read is a warning naming the path and the fix", async () => {
  chmodSync(home, 0o755);
  chmodSync(vault, 0o644);
  try {
    const result = await kp(["list"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`warning: ${home} is readable by other users \\(mode 0755\\); run \`chmod 700`),
    );
    assert.match(
      result.stderr,
      /eve@localhost\.vault is readable by other users \(mode 0644\); run `chmod 600/,
    );
  } finally {
    chmodSync(home, 0o700);
    chmodSync(vault, 0o600);
  }
});

test("a folder anyone can write to is refused", async () => {
  chmodSync(vaults, 0o777);
  try {
    assertUserError(
      await kp(["list"]),
      1,
      /refusing to use .*vaults: anyone on this machine can write to it \(mode 0777\)/,
    );
  } finally {
    chmodSync(vaults, 0o700);
  }
});

test("an unreadable vault folder names the path and permission, not 'no account yet'", async () => {
  chmodSync(vaults, 0o000);
  try {
    for (const args of [["list"], ["accounts"]]) {
      const result = await kp(args);
      assertUserError(
        result,
        1,
        /permission denied on .*vaults \(scandir\): KeyPears needs read and execute/,
      );
      assert.doesNotMatch(result.stderr, /no account|unexpected/i);
    }
  } finally {
    chmodSync(vaults, 0o700);
  }
});

test("an unreadable vault file names the path and the permission it needs", async () => {
  chmodSync(vault, 0o000);
  try {
    assertUserError(
      await kp(["list"]),
      1,
      /cannot read .*eve@localhost\.vault \(a vault file needs read and write permission/,
    );
  } finally {
    chmodSync(vault, 0o600);
  }
});

test("a read-only vault can still be read, also in a read-only folder; a change says it is read-only", async () => {
  // A read-only file in a writable folder, then also in a read-only folder (where SQLite cannot
  // make the index its WAL mode needs even to read).
  for (const folder of [0o700, 0o500]) {
    chmodSync(vault, 0o400);
    chmodSync(vaults, folder);
    try {
      const list = await kp(["list", "--json"]);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(
        (parseJson(list) as { title: string }[]).map((i) => i.title),
        ["Bank"],
      );
      const get = await kp(["get", "Bank", "--json"]);
      assert.equal(get.code, 0, get.stderr);
      assertUserError(
        await kp(["add", "--title", "More"]),
        1,
        /read-only here: it can be read, but nothing can be changed/,
      );
    } finally {
      chmodSync(vaults, 0o700);
      chmodSync(vault, 0o600);
    }
  }
  assert.equal((parseJson(await kp(["list", "--json"])) as unknown[]).length, 1);
});
