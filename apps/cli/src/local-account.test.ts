/**
 * A local-only account end to end, driving the real `keypears` binary as separate processes with
 * their own KEYPEARS_HOME, as a person or a script would. Real Argon2id (64 MiB) on every unlock.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { parseBase32, totpCode } from "@keypears/crypto";
import { createTempHome, PASSWORD, runCli, shownCommand } from "./testing/run-cli.ts";

const test = boundedTest();

const home = createTempHome();
after(() => home.remove());
const kp = (
  args: readonly string[],
  options: { password?: string | null; input?: string; env?: Record<string, string> } = {},
) => runCli(args, { home: home.path, ...options });

const ok = async (args: readonly string[], options?: Parameters<typeof kp>[1]) => {
  const result = await kp(args, options);
  assert.equal(result.code, 0, `${shownCommand(args)}\n${result.stderr}`);
  return result;
};

test("init creates a local-only account and prints the recovery kit once", async () => {
  const result = await ok(["init", "alice@localhost"]);
  assert.match(result.stdout, /Created alice@localhost on this device \(local only/);
  assert.match(result.stdout, /Secret Key: +K1-[0-9A-Z]{5}(-[0-9A-Z]{1,5}){5}/);
  assert.match(result.stderr, /Save this recovery kit now/);
  const again = await kp(["init", "alice@localhost"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists on this device/);
});

let generated = "";

test("add stores every type, with generated passwords, repeated flags and custom fields", async () => {
  const github = await ok([
    "add",
    "--title",
    "GitHub",
    "--username",
    "alice",
    "--generate",
    "--url",
    "https://github.com",
    "--url",
    "https://gist.github.com",
    "--tag",
    "work",
    "--tag",
    "code",
    "--totp",
    "JBSWY3DPEHPK3PXP",
    "--field",
    "recovery=abc-def",
    "--hidden-field",
    "pin=hidden-1234",
  ]);
  assert.match(github.stdout, /^Added "GitHub" \(login, id [0-9a-f-]{13,}\)\.\n/);
  assert.match(github.stdout, /Generated a 20-character password \(\d+ bits\)/);
  await Promise.all([
    ok(["add", "--type", "note", "--title", "Wifi", "--notes", "network home\nkey in the hall"]),
    ok([
      "add",
      "--type",
      "card",
      "--title",
      "Visa",
      "--field",
      "cardNumber=4111111111111111",
      "--field",
      "expiry=12/29",
      "--field",
      "cvv=123",
    ]),
    ok([
      "add",
      "--type",
      "apikey",
      "--title",
      "Stripe",
      "--field",
      "apiKey=sk_test_123",
      "--tag",
      "work",
    ]),
  ]);

  const [list, search, tagged] = await Promise.all([
    ok(["list"]),
    ok(["list", "--search", "GIST"]),
    ok(["list", "--tag", "work"]),
  ]);
  const titles = (stdout: string) =>
    stdout
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s{2,}/)[1]);
  assert.match(list.stdout, /^ID +TITLE +TYPE +USERNAME +FOLDER +TAGS\n/);
  assert.deepEqual(titles(list.stdout), ["GitHub", "Stripe", "Visa", "Wifi"]);
  assert.deepEqual(titles(search.stdout), ["GitHub"]);
  assert.deepEqual(titles(tagged.stdout), ["GitHub", "Stripe"]);
  // The whole card number: the list's ids are hex, and "4111" comes up in them by chance.
  assert.doesNotMatch(list.stdout, /4111111111111111|sk_test/);

  generated = (await ok(["get", "github", "--field", "password"])).stdout.trimEnd();
  assert.match(generated, /^\S{20}$/);
});

test("get masks secrets unless a field is asked for", async () => {
  const [shown, pin, urls, card] = await Promise.all([
    ok(["get", "GitHub"]),
    ok(["get", "GitHub", "--field", "pin"]),
    ok(["get", "GitHub", "--field", "urls"]),
    ok(["get", "visa", "--field", "cardnumber"]),
  ]);
  assert.ok(!shown.stdout.includes(generated), "the password is not printed");
  assert.ok(!shown.stdout.includes("JBSWY3DPEHPK3PXP"), "the TOTP secret is not printed");
  // Not just "1234": the item's id (printed in full) holds that about once in 6,000 runs.
  assert.ok(!shown.stdout.includes("hidden-1234"), "a hidden field is not printed");
  assert.match(shown.stdout, /password +•••••• +\(use --field password to reveal\)/);
  assert.match(shown.stdout, /pin +•••••• +\(use --field pin to reveal\)/);
  assert.match(shown.stdout, /recovery +abc-def/);
  assert.match(shown.stdout, /urls +https:\/\/github\.com\n +https:\/\/gist\.github\.com/);
  assert.equal(pin.stdout, "hidden-1234\n");
  assert.equal(urls.stdout, "https://github.com\nhttps://gist.github.com\n");
  assert.equal(card.stdout, "4111111111111111\n");
});

test("edit writes only the named fields, and history shows every value with time and device", async () => {
  const edited = await ok([
    "edit",
    "GitHub",
    "--password",
    "second-password",
    "--notes",
    "rotated",
  ]);
  assert.match(edited.stdout, /Updated "GitHub" \(id [0-9a-f-]+\): password, notes\./);
  const changedTags = await ok(["edit", "GitHub", "--tag", "personal", "--remove", "recovery"]);
  assert.match(changedTags.stdout, /recovery, tags/);

  const [password, tags, history, passwordHistory] = await Promise.all([
    ok(["get", "GitHub", "--field", "password"]),
    ok(["get", "GitHub", "--field", "tags"]),
    ok(["history", "GitHub"]),
    ok(["history", "GitHub", "--field", "password"]),
  ]);
  assert.equal(password.stdout, "second-password\n");
  assert.equal(tags.stdout, "personal\n");
  assert.ok(!history.stdout.includes(generated) && !history.stdout.includes("second-password"));
  assert.match(history.stdout, /password \(secret\)\n.*••••••\n.*••••••  current/);
  assert.match(history.stderr, /--field <name> or --reveal shows them/);
  const entries = passwordHistory.stdout.split("\n").filter((line) => line.startsWith("  "));
  assert.equal(entries.length, 2);
  assert.match(
    entries[0] as string,
    /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d {2}this device +(.+)$/,
  );
  assert.ok(entries[0]?.endsWith(generated), "oldest first");
  assert.ok(entries[1]?.endsWith("second-password  current"));
});

test("totp prints the current code", async () => {
  const result = await ok(["totp", "GitHub"]);
  const secret = parseBase32("JBSWY3DPEHPK3PXP");
  assert.ok(secret.ok);
  const config = { secret: secret.value, algorithm: "SHA1" as const, digits: 6, period: 30 };
  const now = Date.now();
  assert.ok(
    [totpCode(config, now).code, totpCode(config, now - 30_000).code].includes(
      result.stdout.trim(),
    ),
  );
  assert.equal(result.stderr, "", "no countdown when stdout is not a terminal");
});

test("rm moves to the trash, restore brings back, rm --permanent deletes for good", async () => {
  assert.match(
    (await ok(["rm", "Wifi"])).stdout,
    /^Moved "Wifi" to the trash; `keypears restore [0-9a-f-]{13,}` brings it back\.\n$/,
  );
  assert.match((await ok(["list", "--trash"])).stdout, /^ID .*\n[0-9a-f-]+ +Wifi +note\n$/);
  assert.match((await ok(["restore", "wifi"])).stdout, /^Restored "Wifi"/);
  const [notTrashed, purged] = await Promise.all([
    kp(["restore", "wifi"]),
    ok(["rm", "Visa", "--permanent", "--yes"]),
  ]);
  assert.equal(notTrashed.code, 1);
  assert.equal(notTrashed.stderr, 'keypears: "Wifi" is not in the trash\n');
  assert.equal(purged.stdout, 'Deleted "Visa" permanently.\n');
  const [live, gone] = await Promise.all([ok(["list"]), kp(["get", "Visa"])]);
  assert.deepEqual(
    live.stdout
      .split("\n")
      .slice(1, -1)
      .map((line) => line.split(/\s{2,}/)[1]),
    ["GitHub", "Stripe", "Wifi"],
  );
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no item matches "Visa"/);
});

test("generate prints only the secret on stdout and its entropy on stderr", async () => {
  const password = await ok(["generate", "--length", "24", "--no-symbols"]);
  assert.match(password.stdout, /^[A-Za-z0-9]{24}\n$/);
  assert.match(password.stderr, /^\(24-character password, \d+\.\d bits of entropy\)\n$/);
});

test("status shows the account, the items and that it never syncs", async () => {
  const result = await ok(["status"]);
  assert.match(result.stdout, /Account +alice@localhost \(local only: never syncs\)/);
  assert.match(result.stdout, /Items +3 live, 0 in the trash, 0 conflicts/);
});

test("passwd changes the master password: the old one stops working, the new one works", async () => {
  const changed = await ok(["passwd"], { env: { KEYPEARS_NEW_PASSWORD: "a brand new password" } });
  assert.match(changed.stdout, /Changed the master password of alice@localhost/);
  const [old, fresh] = await Promise.all([
    kp(["list"]),
    kp(["list"], { password: "a brand new password" }),
  ]);
  assert.equal(old.code, 1);
  assert.equal(old.stderr, "keypears: wrong password or Secret Key; nothing was changed\n");
  assert.equal(fresh.code, 0);
  // And back, through --password-stdin: current password on line 1, the new one on line 2.
  await ok(["passwd", "--password-stdin"], {
    password: null,
    input: `a brand new password\n${PASSWORD}\n`,
  });
  await ok(["get", "GitHub", "--field", "username"]);
});

test("a device with two accounts needs --account, and lists both", async () => {
  await ok(["init", "bob@localhost"], { password: "bob's own password" });
  const ambiguous = await kp(["list"]);
  assert.equal(ambiguous.code, 1);
  assert.match(
    ambiguous.stderr,
    /this device holds 2 accounts \(alice@localhost, bob@localhost\); choose one with --account/,
  );
  const [accounts, bob, alice] = await Promise.all([
    ok(["accounts"], { password: null }),
    ok(["list", "--account", "bob@localhost"], { password: "bob's own password" }),
    ok(["--account", "alice@localhost", "list"]),
  ]);
  assert.match(
    accounts.stdout,
    /^ACCOUNT +SYNC +DEVICE +CREATED\nalice@localhost +local only +[0-9a-f]{16} .*\nbob@localhost +local only/,
  );
  assert.equal(bob.stdout, "");
  assert.match(bob.stderr, /No items yet/);
  assert.match(alice.stdout, /GitHub/);
});
