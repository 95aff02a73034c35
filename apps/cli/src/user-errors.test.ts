/**
 * The mistakes people make, through the real binary: each gives exit 1 (failure) or 2 (usage),
 * one line on stderr saying what to do, nothing on stdout, never a stack trace, and changes nothing.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after, before } from "node:test";
import { assertUserError, createTempHome, runCli } from "./testing/run-cli.ts";

const test = boundedTest();

const home = createTempHome();
const empty = createTempHome();
after(() => {
  home.remove();
  empty.remove();
});
const kp = (
  args: readonly string[],
  options: { password?: string | null; env?: Record<string, string> } = {},
) => runCli(args, { home: home.path, ...options });

before(async () => {
  assert.equal((await kp(["init", "eve@localhost"])).code, 0);
  for (const [title, username] of [
    ["Bank", "eve"],
    ["bank", "eve2"],
  ] as const)
    assert.equal((await kp(["add", "--title", title, "--username", username])).code, 0);
});

test("a wrong password exits 1, says so, and changes nothing", async () => {
  const items = JSON.parse((await kp(["list", "--json"])).stdout) as {
    id: string;
    title: string;
  }[];
  const id = items.find((item) => item.title === "Bank")?.id as string;
  const edit = await kp(["edit", id, "--notes", "should not be written"], {
    password: "wrong password",
  });
  assertUserError(edit, 1, /^keypears: wrong password or Secret Key; nothing was changed\n$/);
  const history = JSON.parse((await kp(["history", id, "--json"])).stdout) as {
    fields: { name: string }[];
  };
  assert.deepEqual(history.fields.map((f) => f.name).sort(), ["title", "type", "username"]);
});

test("a title that matches several items is an error listing their ids, never a guess", async () => {
  const [get, rm] = await Promise.all([kp(["get", "BANK"]), kp(["rm", "bank"])]);
  for (const result of [get, rm])
    assertUserError(
      result,
      1,
      /^keypears: "bank" matches 2 items; use an id: [0-9a-f-]{36} \(Bank\), [0-9a-f-]{36} \(bank\)\n$/i,
    );
  assert.equal(JSON.parse((await kp(["list", "--json"])).stdout).length, 2, "nothing was trashed");
});

test("unknown commands and flags and missing arguments are usage errors (exit 2)", async () => {
  // A few through the binary; main.test.ts runs the whole matrix in-process.
  const cases: [readonly string[], RegExp][] = [
    [["frobnicate"], /^keypears: unknown command "frobnicate"; run `keypears --help` for usage\n$/],
    [
      ["list", "--colour"],
      /^keypears: unknown option --colour; run `keypears list --help` for usage\n$/,
    ],
    [
      ["add", "--username", "x"],
      /^keypears: --title is required; run `keypears add --help` for usage\n$/,
    ],
    [["get"], /missing argument: keypears get <id\|title>/],
  ];
  const results = await Promise.all(cases.map(([args]) => kp(args, { password: null })));
  results.forEach((result, i) => assertUserError(result, 2, cases[i]?.[1]));
});

test("no account, no password source, bad address: exit 1 with what to do", async () => {
  const [noAccount, noPassword, badAddress, missingAccount, notFound] = await Promise.all([
    runCli(["list"], { home: empty.path }),
    kp(["list"], { password: null }),
    runCli(["init", "not-an-address"], { home: empty.path }),
    kp(["list", "--account", "nobody@localhost"]),
    kp(["get", "Nope"]),
  ]);
  assertUserError(
    noAccount,
    1,
    /no account on this device yet; create one with `keypears init you@localhost`/,
  );
  assertUserError(
    noPassword,
    1,
    /no master password given and no terminal to ask on; set KEYPEARS_PASSWORD or pipe it with --password-stdin/,
  );
  assertUserError(
    badAddress,
    1,
    /"not-an-address" is not of the form name@domain; an address looks like alice@localhost/,
  );
  assertUserError(
    missingAccount,
    1,
    /no account nobody@localhost on this device; run `keypears accounts`/,
  );
  assertUserError(notFound, 1, /no item matches "Nope"; run `keypears list`/);
});

test("a synced address whose server is down says so clearly, and creates nothing", async () => {
  const result = await runCli(["init", "someone@example.com", "--server", "http://127.0.0.1:9"], {
    home: empty.path,
  });
  assertUserError(result, 1, /cannot reach the server \(http:\/\/127\.0\.0\.1:9/);
  assert.equal((await runCli(["accounts", "--json"], { home: empty.path })).stdout, "[]\n");
});

test("edit --remove of a field the item does not have is an error and changes nothing", async () => {
  const items = JSON.parse((await kp(["list", "--json"])).stdout) as {
    id: string;
    title: string;
  }[];
  const id = items.find((item) => item.title === "Bank")?.id as string;
  const result = await kp(["edit", id, "--remove", "nosuchfield", "--notes", "kept out"]);
  assertUserError(
    result,
    1,
    /^keypears: "Bank" has no field "nosuchfield" to remove; nothing was changed\. Its fields: .*username/,
  );
  const fields = (
    JSON.parse((await kp(["get", id, "--json"])).stdout) as { fields: { name: string }[] }
  ).fields;
  assert.ok(
    !fields.some((f) => f.name === "notes"),
    "the --notes in the same command was not written",
  );
  const removed = await kp(["edit", id, "--remove", "username"]);
  assert.equal(removed.code, 0, removed.stderr);
});
