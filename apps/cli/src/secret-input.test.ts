/**
 * Secret item values without the command line (where `ps` and shell history keep them): `-`
 * reads a value from standard input, a secret flag without a value asks for it without echo.
 * Through the real binary, and in-process on a fake terminal for the prompts.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after, before } from "node:test";
import { main } from "./main.ts";
import { createMemoryIo, type MemoryIo } from "./testing/memory-io.ts";
import { assertUserError, createTempHome, PASSWORD, parseJson, runCli } from "./testing/run-cli.ts";

const test = boundedTest();

const home = createTempHome();
after(() => home.remove());
const kp = (args: readonly string[], options: { input?: string; password?: string | null } = {}) =>
  runCli(args, { home: home.path, ...options });

const fields = async (title: string): Promise<Record<string, unknown>> => {
  const item = parseJson(await kp(["get", title, "--json", "--reveal"])) as {
    fields: { name: string; value: unknown }[];
  };
  return Object.fromEntries(item.fields.map((f) => [f.name, f.value]));
};

before(async () => {
  assert.equal((await kp(["init", "eve@localhost"])).code, 0);
});

test("`-` reads each secret from standard input, one line each; --notes - takes the rest", async () => {
  const added = await kp(
    [
      "add",
      "--type",
      "card",
      "--title",
      "Visa",
      "--password",
      "-",
      "--field",
      "cvv=-",
      "--hidden-field",
      "pin=-",
      "--totp",
      "-",
      "--notes",
      "-",
    ],
    // In a fixed order, whatever the order of the flags: password, totp, fields, hidden fields, notes.
    { input: "pw from stdin\nJBSWY3DPEHPK3PXP\n123\n4321\nfirst line\nsecond line\n" },
  );
  assert.equal(added.code, 0, added.stderr);
  const visa = await fields("Visa");
  assert.equal(visa["password"], "pw from stdin");
  assert.equal(visa["cvv"], "123");
  assert.equal(visa["pin"], "4321");
  assert.equal(visa["totp"], "JBSWY3DPEHPK3PXP");
  assert.equal(visa["notes"], "first line\nsecond line");
});

test("with --password-stdin the master password is the first line, the secrets follow", async () => {
  const added = await kp(["add", "--title", "Mail", "--password-stdin", "--password", "-"], {
    input: `${PASSWORD}\nmail secret\n`,
    password: null,
  });
  assert.equal(added.code, 0, added.stderr);
  assert.equal((await fields("Mail"))["password"], "mail secret");
  const edited = await kp(["edit", "Mail", "--password", "-"], { input: "changed\n" });
  assert.equal(edited.code, 0, edited.stderr);
  assert.equal((await fields("Mail"))["password"], "changed");
});

test("a secret flag without a value and no terminal is a usage error; nothing is added", async () => {
  for (const args of [
    ["add", "--title", "Nope", "--password"],
    ["add", "--title", "Nope", "--password", "--username", "eve"],
    ["add", "--title", "Nope", "--field", "cvv"],
  ])
    assertUserError(
      await kp(args),
      2,
      /has no value and there is no terminal to ask on; (pipe it with `--password -`|write `--field cvv=<value>`, or `--field cvv=-`)/,
    );
  assertUserError(
    await kp(["add", "--title", "Nope", "--password", "-"], { input: "" }),
    1,
    /--password -: line 1 of standard input should hold its value/,
  );
  const titles = (parseJson(await kp(["list", "--json"])) as { title: string }[]).map(
    (i) => i.title,
  );
  assert.ok(!titles.includes("Nope"));
});

/** Types `text` into the fake terminal once it shows `prompt`. */
const typeAt = async (io: MemoryIo, prompt: string, text: string) => {
  while (!io.err().endsWith(prompt) || !io.tty.rawMode) await new Promise((r) => setTimeout(r, 5));
  io.tty.write(text);
};

test("on a terminal a secret flag without a value is asked without echo", async () => {
  const io = createMemoryIo({
    stdin: "tty",
    env: { KEYPEARS_HOME: home.path, KEYPEARS_PASSWORD: PASSWORD },
  });
  const added = main(
    ["add", "--title", "Prompted", "--password", "--username", "eve", "--field", "cvv"],
    { io },
  );
  await typeAt(io, "Password for the item: ", "typed secret\r");
  await typeAt(io, "Value of cvv: ", "987\r");
  assert.equal(await added, 0, io.err());
  assert.ok(!io.err().includes("typed secret") && !io.out().includes("typed secret"));
  const prompted = await fields("Prompted");
  assert.equal(prompted["password"], "typed secret");
  assert.equal(prompted["username"], "eve");
  assert.equal(prompted["cvv"], "987");
});
