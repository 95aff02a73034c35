/**
 * Item text, device names and server messages reach the terminal with their control characters
 * and bidirectional overrides escaped: a title holding `ESC ] 52` (write the clipboard) is shown,
 * never obeyed. Through the real binary, plus the terminal-only paths in-process.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after, before } from "node:test";
import { main } from "./main.ts";
import { createMemoryIo } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, runCli } from "./testing/run-cli.ts";
import { terminalSafe } from "./terminal-safe.ts";

const test = boundedTest();

const home = createTempHome();
after(() => home.remove());
const kp = (args: readonly string[]) => runCli(args, { home: home.path });
let id = "";

const CLIPBOARD = "\u001b]52;c;ZWNobyBwd25lZA==\u0007";
const TITLE = `Bank${CLIPBOARD}\u202eevil\u009b2J`;
const raw = new RegExp(
  `[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${"\\u202a-\\u202e\\u2066-\\u2069"}]`,
  "u",
);

before(async () => {
  assert.equal((await kp(["init", "eve@localhost"])).code, 0);
  const added = await kp(["add", "--title", TITLE, "--username", `eve\u001b[2J`]);
  assert.equal(added.code, 0, added.stderr);
  id = (JSON.parse((await kp(["list", "--json"])).stdout) as { id: string }[])[0]?.id ?? "";
});

test("list, get and add print a hostile title escaped, never raw", async () => {
  for (const args of [["list"], ["get", id], ["list", "--json"], ["get", id, "--json"]]) {
    const result = await kp(args);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, raw, args.join(" "));
  }
  const shown = await kp(["get", id]);
  assert.match(shown.stdout, /Bank\\x1b\]52;c;ZWNobyBwd25lZA==\\x07\\u202eevil\\x9b2J/);
  assert.match(shown.stdout, /eve\\x1b\[2J/);
  // JSON keeps the exact data, only spelled with escapes.
  const json = JSON.parse((await kp(["get", id, "--json"])).stdout) as { title: string };
  assert.equal(json.title, TITLE);
});

test("an error message quoting an item name is escaped too", async () => {
  const result = await kp(["get", `nothing${CLIPBOARD}`]);
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stderr, raw);
  assert.match(result.stderr, /nothing\\x1b\]52/);
});

test("get --field prints the value as stored into a pipe, escaped on a terminal", async () => {
  const piped = await kp(["get", id, "--field", "title"]);
  assert.equal(piped.stdout, `${TITLE}\n`);
  const io = createMemoryIo({
    env: { KEYPEARS_HOME: home.path, KEYPEARS_PASSWORD: PASSWORD },
    stdoutIsTTY: true,
  });
  assert.equal(await main(["get", id, "--field", "title"], { io }), 0, io.err());
  assert.doesNotMatch(io.out(), raw);
  assert.equal(io.out(), `${terminalSafe(TITLE)}\n`);
});

test("this CLI's own colors pass on a terminal; escapes inside the text do not", async () => {
  const io = createMemoryIo({
    env: { KEYPEARS_HOME: home.path, KEYPEARS_PASSWORD: PASSWORD },
    stdoutIsTTY: true,
  });
  assert.equal(await main(["list"], { io }), 0, io.err());
  assert.ok(io.out().includes("\u001b[1mID"), "the bold header is painted");
  assert.ok(!io.out().includes("\u001b]"), "the title's OSC sequence is not");
  assert.equal(terminalSafe("a\tb\nc\rd\u2066"), "a\tb\nc\\rd\\u2066");
});
