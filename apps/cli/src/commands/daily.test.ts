/**
 * The small things of daily use, through the agent as a person would work (one unlock, then each
 * command a process): favourites, folders and tags with counts, search over notes and visible
 * custom fields (never hidden ones), the duplicate-title warning, and `rm --permanent` asking first.
 */

import assert from "node:assert/strict";
import { after, before } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { main } from "../main.ts";
import { createMemoryIo } from "../testing/memory-io.ts";
import { assertUserError, createTempHome, parseJson, runCli } from "../testing/run-cli.ts";

const test = boundedTest();
const home = createTempHome();
const NO_RUNTIME_DIR = { XDG_RUNTIME_DIR: "" };
const kp = (args: readonly string[]) =>
  runCli(args, { home: home.path, password: null, env: NO_RUNTIME_DIR });
const ok = async (args: readonly string[]) => {
  const result = await kp(args);
  assert.equal(result.code, 0, `keypears ${args.join(" ")}\n${result.stderr}`);
  return result;
};
const titles = async (args: readonly string[]) =>
  (parseJson(await ok([...args, "--json"])) as { title: string }[]).map((i) => i.title).sort();

before(async () => {
  assert.equal(
    (await runCli(["init", "me@localhost"], { home: home.path, env: NO_RUNTIME_DIR })).code,
    0,
  );
  assert.equal((await runCli(["unlock"], { home: home.path, env: NO_RUNTIME_DIR })).code, 0);
  await ok([
    "add",
    "--title",
    "GitHub",
    "--tag",
    "work",
    "--tag",
    "code",
    "--folder",
    "Dev",
    "--favorite",
  ]);
  await ok([
    "add",
    "--title",
    "Bank",
    "--folder",
    "Money",
    "--notes",
    "branch in Zurich",
    "--tag",
    "Work",
  ]);
  await ok([
    "add",
    "--title",
    "Router",
    "--field",
    "model=Fritzbox 7590",
    "--hidden-field",
    "pin=secretzurich",
  ]);
});

after(async () => {
  await kp(["lock"]);
  home.remove();
});

test("favourites are marked, listed and unmarked", async () => {
  assert.deepEqual(await titles(["list", "--favorites"]), ["GitHub"]);
  const table = await ok(["list"]);
  assert.match(table.stdout, /\* GitHub/);
  await ok(["edit", "Bank", "--favorite"]);
  assert.deepEqual(await titles(["list", "--favorites"]), ["Bank", "GitHub"]);
  await ok(["edit", "GitHub", "--unfavorite"]);
  assert.deepEqual(await titles(["list", "--favorites"]), ["Bank"]);
});

test("folders and tags with their counts, tags in any case counted as one", async () => {
  assert.deepEqual(parseJson(await ok(["tags", "--json"])), [
    { name: "Work", items: 2 },
    { name: "code", items: 1 },
  ]);
  assert.deepEqual(parseJson(await ok(["folders", "--json"])), [
    { name: "Dev", items: 1 },
    { name: "Money", items: 1 },
  ]);
  assert.match((await ok(["tags"])).stdout, /^TAG +ITEMS\nWork +2\ncode +1\n$/);
});

test("search covers notes and visible custom fields, never hidden ones", async () => {
  assert.deepEqual(await titles(["list", "--search", "zurich"]), ["Bank"]);
  assert.deepEqual(await titles(["list", "--search", "fritzbox"]), ["Router"]);
  assert.deepEqual(await titles(["list", "--search", "secretzurich"]), []);
});

test("adding or renaming to a title that exists warns, and still saves", async () => {
  const added = await ok(["add", "--title", "github"]);
  assert.match(added.stderr, /warning: another item is already titled "github" \(id [0-9a-f-]+\)/);
  const renamed = await ok(["edit", "Router", "--title", "Bank"]);
  assert.match(renamed.stderr, /warning: another item is already titled "Bank"/);
  const plain = await ok(["add", "--title", "Unique one"]);
  assert.equal(plain.stderr, "");
});

test("rm --permanent asks first, and needs --yes without a terminal", async () => {
  await ok(["add", "--title", "Old"]);
  assertUserError(await kp(["rm", "Old", "--permanent"]), 1, /add --yes to confirm/);
  assert.deepEqual(await titles(["list", "--search", "Old"]), ["Old"]);

  // On a terminal: "n" keeps it (this runs in-process, unlocking by itself).
  const env = {
    KEYPEARS_HOME: home.path,
    KEYPEARS_PASSWORD: "correct horse battery staple",
    XDG_RUNTIME_DIR: "",
  };
  const io = createMemoryIo({ stdin: "tty", env });
  const asked = main(["rm", "Old", "--permanent"], { io });
  const deadline = Date.now() + 60_000;
  while (!io.err().endsWith("[y/N] ")) {
    assert.ok(Date.now() < deadline, `no question asked: ${io.err()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.match(io.err(), /Delete "Old" for good, on every device\? \[y\/N\] $/);
  io.tty.write("n\n");
  assert.equal(await asked, 1);
  assert.match(io.err(), /not deleted; nothing was changed/);
  assert.deepEqual(await titles(["list", "--search", "Old"]), ["Old"]);

  const deleted = await ok(["rm", "Old", "--permanent", "--yes"]);
  assert.match(deleted.stdout, /Deleted "Old" permanently/);
  assert.deepEqual(await titles(["list", "--search", "Old"]), []);
});
