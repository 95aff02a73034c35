/**
 * Checks on input, each with its own reason (in-process, fast): web addresses, otpauth:// URIs,
 * the master password's strength at init; `add --json` from standard input; and the list table
 * aligned with wide characters.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { main } from "./main.ts";
import { createMemoryIo, type MemoryIoOptions } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD } from "./testing/run-cli.ts";
import { textWidth } from "./format.ts";

const home = createTempHome();
after(() => home.remove());

const run = async (args: readonly string[], options: MemoryIoOptions = {}) => {
  const io = createMemoryIo({
    ...options,
    env: {
      KEYPEARS_HOME: home.path,
      KEYPEARS_PASSWORD: PASSWORD,
      XDG_RUNTIME_DIR: "",
      ...options.env,
    },
  });
  const code = await main(args, { io });
  return { code, stdout: io.out(), stderr: io.err() };
};

const usage = async (args: readonly string[], message: RegExp) => {
  const result = await run(args);
  assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
  assert.match(result.stderr, message, args.join(" "));
  assert.equal(result.stdout, "");
};

test("URLs: javascript:, data: and empty ones are refused, each saying why", async () => {
  await usage(
    ["add", "--title", "x", "--url", "javascript:alert(1)"],
    /--url "javascript:" addresses are not allowed/,
  );
  await usage(
    ["add", "--title", "x", "--url", "data:text/html,<script>1</script>"],
    /--url "data:" addresses are not allowed/,
  );
  await usage(["add", "--title", "x", "--url", ""], /--url must not be empty/);
  await usage(
    ["add", "--title", "x", "--url", "https://ok.example", "--url", "  "],
    /--url must not be empty/,
  );
  await usage(["edit", "x", "--url", "http://exa mple.com"], /is not a web address/);
});

test("each malformed otpauth:// URI gets its own reason", async () => {
  const cases: [string, RegExp][] = [
    [
      "otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
      /algorithm is not SHA1, SHA256 or SHA512/,
    ],
    ["otpauth://totp/Site:me?issuer=Site", /has no secret= parameter/],
    ["otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP&digits=12", /digits must be from 6 to 8/],
    ["otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP&period=0", /period must be from 1 to 3600/],
    [
      "otpauth://hotp/Site:me?secret=JBSWY3DPEHPK3PXP&counter=1",
      /counter-based \(hotp\) codes are not supported/,
    ],
    ["otpauth://totp/Site:me?secret=not*base32", /secret is not base32/],
  ];
  for (const [uri, reason] of cases) await usage(["add", "--title", "x", "--totp", uri], reason);
  await usage(["add", "--title", "x", "--totp", "%%%"], /--totp expects the base32 secret/);
});

test("init refuses one of the most common passwords, warns on a weak one, --allow-weak-password", async () => {
  const refused = await run(["init", "weak@localhost"], {
    env: { KEYPEARS_PASSWORD: "password123" },
  });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /one of the most common ones \(guessed in less than a second\)/);
  const listed = await run(["accounts", "--json"]);
  assert.equal(listed.stdout, "[]\n", "nothing was created");

  const allowed = await run(["init", "weak@localhost", "--allow-weak-password"], {
    env: { KEYPEARS_PASSWORD: "password123" },
  });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(
    allowed.stderr,
    /warning: this master password is weak: .* could guess it in about less than a second/,
  );

  const weak = await run(["init", "summer@localhost"], {
    env: { KEYPEARS_PASSWORD: "Summer2024" },
  });
  assert.equal(weak.code, 0, weak.stderr);
  assert.match(weak.stderr, /warning: this master password is weak: .* in about \d+ seconds/);

  const strong = await run(["init", "strong@localhost"]);
  assert.equal(strong.code, 0, strong.stderr);
  assert.doesNotMatch(strong.stderr, /weak/);
});

test("add --json reads one item or an array, in the shape get --json --reveal prints", async () => {
  const env = { KEYPEARS_ACCOUNT: "strong@localhost" };
  const first = await run(
    [
      "add",
      "--title",
      "GitHub",
      "--username",
      "alice",
      "--password",
      "s3cret-value",
      "--url",
      "https://github.com",
      "--field",
      "team=core",
      "--hidden-field",
      "pin=1234",
    ],
    { env },
  );
  assert.equal(first.code, 0, first.stderr);
  const shown = await run(["get", "GitHub", "--json", "--reveal"], { env });
  const copy = JSON.parse(shown.stdout) as { title: string };
  copy.title = "GitHub (copy)";
  const added = await run(["add", "--json"], { env, stdin: JSON.stringify(copy) });
  assert.equal(added.code, 0, added.stderr);
  const result = JSON.parse(added.stdout) as { id: string; title: string };
  assert.equal(result.title, "GitHub (copy)");
  const again = await run(["get", result.id, "--json", "--reveal"], { env });
  const fields = (
    JSON.parse(again.stdout) as { fields: { name: string; value: unknown; secret: boolean }[] }
  ).fields;
  const byName = Object.fromEntries(fields.map((f) => [f.name, f.value]));
  assert.equal(byName["password"], "s3cret-value");
  assert.equal(byName["username"], "alice");
  assert.deepEqual(byName["urls"], ["https://github.com"]);
  assert.equal(byName["team"], "core");
  assert.equal(byName["pin"], "1234");
  assert.equal(fields.find((f) => f.name === "pin")?.secret, true, "a hidden field stays hidden");

  const many = await run(["add", "--json"], {
    env,
    stdin: JSON.stringify([
      { title: "One", fields: [] },
      { type: "note", title: "Two", fields: [{ name: "notes", value: "hello" }] },
    ]),
  });
  assert.equal(many.code, 0, many.stderr);
  assert.deepEqual(
    (JSON.parse(many.stdout) as { title: string }[]).map((i) => i.title),
    ["One", "Two"],
  );

  // Concealed values (get --json without --reveal) and bad input are refused; nothing is added.
  const concealed = await run(["get", "GitHub", "--json"], { env });
  const refused = await run(["add", "--json"], { env, stdin: concealed.stdout });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /has "password" concealed; export it with `keypears get <item> --json --reveal`/,
  );
  const badUrl = await run(["add", "--json"], {
    env,
    stdin: JSON.stringify([
      { title: "Fine" },
      { title: "Bad", fields: [{ name: "urls", value: ["javascript:x"] }] },
    ]),
  });
  assert.notEqual(badUrl.code, 0);
  assert.match(badUrl.stderr, /"javascript:" addresses are not allowed/);
  const titles = await run(["list", "--json"], { env });
  assert.deepEqual((JSON.parse(titles.stdout) as { title: string }[]).map((i) => i.title).sort(), [
    "GitHub",
    "GitHub (copy)",
    "One",
    "Two",
  ]);
  const empty = await run(["add", "--json"], { env, stdin: "" });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /reads items from standard input/);
});

test("the list table aligns columns after wide titles (CJK, emoji)", async () => {
  const env = { KEYPEARS_ACCOUNT: "summer@localhost", KEYPEARS_PASSWORD: "Summer2024" };
  for (const title of ["日本語のサイト", "🔑 Keys", "plain"])
    assert.equal((await run(["add", "--title", title, "--username", "u"], { env })).code, 0);
  const table = await run(["list"], { env });
  const lines = table.stdout.trimEnd().split("\n");
  const typeColumn = lines.map((line) =>
    textWidth(
      line.slice(0, line.indexOf("login") === -1 ? line.indexOf("TYPE") : line.indexOf("login")),
    ),
  );
  assert.equal(new Set(typeColumn).size, 1, `misaligned:\n${table.stdout}`);
  assert.equal(textWidth("日本"), 4);
  assert.equal(textWidth("🔑"), 2);
  assert.equal(textWidth("e\u0301"), 1);
});

test("the generator: no look-alikes, separator, capitals and a digit; help states the limits it enforces", async () => {
  for (let i = 0; i < 20; i++) {
    const password = await run(["generate", "--length", "64", "--no-look-alikes"]);
    assert.equal(password.code, 0, password.stderr);
    assert.doesNotMatch(password.stdout.trim(), /[lI1O0o|]/);
    assert.equal(password.stdout.trim().length, 64);
  }
  const phrase = await run([
    "generate",
    "--passphrase",
    "--words",
    "4",
    "--separator",
    " ",
    "--capitalize",
    "--number",
  ]);
  assert.equal(phrase.code, 0, phrase.stderr);
  const words = phrase.stdout.trim().split(" ");
  assert.equal(words.length, 4);
  assert.ok(
    words.every((word) => /^[A-Z][a-z]+\d?$/.test(word)),
    phrase.stdout,
  );
  assert.equal(words.filter((word) => /\d$/.test(word)).length, 1, phrase.stdout);

  const help = await run(["generate", "--help"]);
  assert.match(help.stdout, /password length, 4-1024 \(3-1024 with --no-symbols; default 20\)/);
  assert.match(help.stdout, /words in a passphrase, 1-64/);
  assert.equal((await run(["generate", "--length", "4"])).code, 0);
  assert.equal((await run(["generate", "--length", "3", "--no-symbols"])).code, 0);
  assert.equal((await run(["generate", "--length", "1024"])).code, 0);
  await usage(["generate", "--length", "3"], /--length must be at least 4/);
  await usage(["generate", "--length", "2", "--no-symbols"], /--length must be at least 3/);
  await usage(["generate", "--length", "1025"], /--length must be from 1 to 1024/);
  await usage(["generate", "--passphrase", "--words", "65"], /--words must be from 1 to 64/);
  await usage(
    ["generate", "--passphrase", "--separator", "x"],
    /--separator must be up to 8 characters with no letters or digits/,
  );
  await usage(["generate", "--passphrase", "--no-look-alikes", "--separator", "|"], /look-alike/);
  await usage(["generate", "--capitalize"], /--capitalize applies with --passphrase/);
});
