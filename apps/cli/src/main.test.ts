/**
 * The command line in-process (fast): help for every command, the usage-error matrix, prompting
 * without echo on a terminal, and output details (colors, short ids).
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { COMMANDS } from "./command-list.ts";
import { main } from "./main.ts";
import { createMemoryIo, type MemoryIo, type MemoryIoOptions } from "./testing/memory-io.ts";
import { createTempHome } from "./testing/run-cli.ts";
import { shortIdsFor } from "./short-ids.ts";

const home = createTempHome();
after(() => home.remove());

const run = async (args: readonly string[], options: MemoryIoOptions = {}) => {
  const io = createMemoryIo({ ...options, env: { KEYPEARS_HOME: home.path, ...options.env } });
  const code = await main(args, { io });
  return { code, stdout: io.out(), stderr: io.err(), io };
};

test("--help, help <command> and <command> --help describe every command", async () => {
  const global = await run(["--help"]);
  assert.equal(global.code, 0);
  for (const { name } of COMMANDS) {
    assert.match(global.stdout, new RegExp(`\\n  ${name} +\\S`), `${name} is in keypears --help`);
    if (name === "serve") continue;
    const help = await run([name, "--help"]);
    assert.equal(help.code, 0, name);
    assert.match(help.stdout, new RegExp(`^Usage: keypears ${name}\\b`), name);
    assert.match(help.stdout, /\nExamples:\n {2}keypears /, name);
    assert.equal((await run(["help", name])).stdout, help.stdout);
  }
  assert.equal((await run([])).stdout, global.stdout);
  assert.match((await run(["--version"])).stdout, /^keypears \d+\.\d+\.\d+\n$/);
  const serve = await run(["serve", "--help"]);
  assert.equal(serve.code, 0);
  assert.match(serve.stdout, /^Usage: keypears serve/);
});

test("usage errors exit 2 with one line naming the problem and where help is", async () => {
  const cases: [readonly string[], string][] = [
    [["frobnicate"], 'unknown command "frobnicate"; run `keypears --help` for usage'],
    [["lsit"], 'unknown command "lsit" (did you mean `list`?); run `keypears --help` for usage'],
    [["delete"], 'unknown command "delete" (did you mean `rm`?); run `keypears --help` for usage'],
    [["list", "--colour"], "unknown option --colour; run `keypears list --help` for usage"],
    [["add", "--username", "x"], "--title is required; run `keypears add --help` for usage"],
    [
      ["add", "--title"],
      '--title needs a value (write --title=<value> if it starts with "-"); run `keypears add --help` for usage',
    ],
    [
      ["add", "--title", "x", "--type", "car"],
      "--type must be one of login, note, card, identity, apikey; run `keypears add --help` for usage",
    ],
    [
      ["add", "--title", "x", "--password", "p", "--generate"],
      "give either --password or --generate, not both; run `keypears add --help` for usage",
    ],
    [
      ["add", "--title", "x", "--length", "9"],
      "--length, --no-symbols, --passphrase and --words need --generate; run `keypears add --help` for usage",
    ],
    [
      ["add", "--title", "x", "--field", "novalue"],
      "--field novalue has no value and there is no terminal to ask on; write `--field novalue=<value>`, or `--field novalue=-` to read it from standard input; run `keypears add --help` for usage",
    ],
    [
      ["add", "--title", "x", "--field", "urls=a"],
      "set urls with --url; run `keypears add --help` for usage",
    ],
    [
      ["add", "--title", "x", "--hidden-field", "cvv=1"],
      '"cvv" is a standard field: set it with --field cvv=... (secret fields stay hidden); run `keypears add --help` for usage',
    ],
    [
      ["add", "--title", "x", "--totp", "not base32!"],
      "--totp expects the base32 secret a site shows (e.g. JBSWY3DPEHPK3PXP) or an otpauth:// URI; run `keypears add --help` for usage",
    ],
    [["get", "a", "b"], 'unexpected argument "b"; run `keypears get --help` for usage'],
    [
      ["edit", "x"],
      "nothing to change: give at least one field option; run `keypears edit --help` for usage",
    ],
    [
      ["edit", "x", "--remove", "title"],
      "title cannot be removed; run `keypears edit --help` for usage",
    ],
    [
      ["resolve", "x", "--pick", "1"],
      "--field is required; run `keypears resolve --help` for usage",
    ],
    [
      ["resolve", "x", "--field", "a"],
      "give exactly one of --pick <n> or --value <value>; run `keypears resolve --help` for usage",
    ],
    [
      ["generate", "--length", "ten"],
      '--length expects a whole number, got "ten"; run `keypears generate --help` for usage',
    ],
    [
      ["generate", "--length", "3"],
      "--length must be at least 4 to hold every kind of character; run `keypears generate --help` for usage",
    ],
    [
      ["generate", "--words", "3"],
      "--words applies with --passphrase; run `keypears generate --help` for usage",
    ],
    [
      ["generate", "--passphrase", "--words", "99"],
      "--words must be from 1 to 64; run `keypears generate --help` for usage",
    ],
    [
      ["list", "--type", "car"],
      "--type must be one of login, note, card, identity, apikey; run `keypears list --help` for usage",
    ],
    [["list", "--json=yes"], "--json takes no value; run `keypears list --help` for usage"],
    [
      ["devices", "forget", "x"],
      'unknown devices action "forget" (rename, revoke, approve or require-approval); run `keypears devices --help` for usage',
    ],
    [
      ["init", "me@localhost", "--server", "https://x"],
      "me@localhost is local only and never syncs, so it takes no --server; use an address at your server's domain; run `keypears init --help` for usage",
    ],
    [["--json"], "no command given; run `keypears --help` for usage"],
  ];
  for (const [args, message] of cases) {
    const result = await run(args);
    assert.equal(result.stderr, `keypears: ${message}\n`, args.join(" "));
    assert.equal(result.code, 2, args.join(" "));
    assert.equal(result.stdout, "", args.join(" "));
  }
});

/** Types `text` into the fake terminal once it shows `prompt`. */
const typeAt = async (io: MemoryIo, prompt: string, text: string) => {
  while (!io.err().endsWith(prompt) || !io.tty.rawMode) await new Promise((r) => setTimeout(r, 5));
  io.tty.write(text);
};

test("on a terminal the password is asked without echo, twice when creating, and Ctrl-C stops", async () => {
  const io = createMemoryIo({ stdin: "tty", env: { KEYPEARS_HOME: home.path } });
  const created = main(["init", "tty@localhost"], { io });
  await typeAt(io, "Choose a master password for tty@localhost: ", "typed pass\u007f\u007fss\r");
  await typeAt(io, "Type it again: ", "typed pa\u001b[Dss\r");
  assert.equal(await created, 0, io.err());
  assert.ok(!io.err().includes("typed") && !io.out().includes("typed"), "never echoed");
  assert.equal(io.tty.rawMode, false, "the terminal is restored");

  const listIo = createMemoryIo({ stdin: "tty", env: { KEYPEARS_HOME: home.path } });
  const listed = main(["list", "--json"], { io: listIo });
  await typeAt(listIo, "Master password for tty@localhost: ", "typed pass\u0015typed pass\r");
  assert.equal(await listed, 0, listIo.err());
  assert.equal(listIo.out(), "[]\n");

  const mismatchIo = createMemoryIo({ stdin: "tty", env: { KEYPEARS_HOME: home.path } });
  const mismatch = main(["init", "other@localhost"], { io: mismatchIo });
  await typeAt(mismatchIo, "Choose a master password for other@localhost: ", "first password\r");
  await typeAt(mismatchIo, "Type it again: ", "second password\r");
  assert.equal(await mismatch, 1);
  assert.match(
    mismatchIo.err(),
    /keypears: the two passwords do not match; nothing was changed, try again\n$/,
  );

  const interruptedIo = createMemoryIo({ stdin: "tty", env: { KEYPEARS_HOME: home.path } });
  const interrupted = main(["list"], { io: interruptedIo });
  await typeAt(interruptedIo, "Master password for tty@localhost: ", "typed\u0003");
  assert.equal(await interrupted, 130);
  assert.equal(interruptedIo.tty.rawMode, false);

  const accounts = await run(["accounts"]);
  assert.match(accounts.stdout, /^ACCOUNT .*\ntty@localhost +local only/);
  assert.doesNotMatch(accounts.stdout, /other@localhost/, "a failed init leaves no account");
});

test("--password-stdin reads the first line; a short new password is refused", async () => {
  const piped = await run(["status", "--password-stdin", "--account", "tty@localhost"], {
    stdin: "typed pass\n",
  });
  assert.equal(piped.code, 0, piped.stderr);
  const short = await run(["init", "short@localhost"], { env: { KEYPEARS_PASSWORD: "abc" } });
  assert.equal(short.code, 1);
  assert.match(short.stderr, /a master password needs at least 8 characters/);
});

test("color only on a terminal and never with NO_COLOR", async () => {
  const env = { KEYPEARS_PASSWORD: "typed pass", KEYPEARS_ACCOUNT: "tty@localhost" };
  await run(["add", "--title", "Colorful"], { env });
  const tty = await run(["list"], { env, stdoutIsTTY: true });
  const ESC = "\u001b";
  assert.ok(tty.stdout.startsWith(`${ESC}[1mID`), tty.stdout);
  const noColor = await run(["list"], { env: { ...env, NO_COLOR: "1" }, stdoutIsTTY: true });
  assert.ok(!noColor.stdout.includes(ESC));
  const piped = await run(["list"], { env });
  assert.ok(!piped.stdout.includes(ESC));
});

test("short ids: unique prefixes of at least the 13 time characters", () => {
  const ids = [
    "01a2008e-a2f3-7000-8000-000000000001",
    "01a2008e-a2f3-7000-8000-000000000002",
    "01a2008e-a6ca-77b9-8e53-4299c4a2cd21",
  ];
  const short = shortIdsFor(ids);
  assert.deepEqual(ids.map(short), [
    "01a2008e-a2f3-7000-8000-000000000001",
    "01a2008e-a2f3-7000-8000-000000000002",
    "01a2008e-a6ca",
  ]);
  assert.equal(
    shortIdsFor(["01a2008e-a2f3-7000-8abc-000000000001", "01a2008e-a2f3-7000-9abc-000000000001"])(
      "01a2008e-a2f3-7000-8abc-000000000001",
    ),
    "01a2008e-a2f3-7000-8",
  );
});
