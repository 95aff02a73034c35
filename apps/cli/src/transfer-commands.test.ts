/** `import` and `export` run in-process on a local account: fixtures in, exports out and back, hostile files refused. */

import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "./main.ts";
import { createMemoryIo, type MemoryIoOptions } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, shownCommand } from "./testing/run-cli.ts";

const fixtures = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "packages",
  "transfer",
  "src",
  "testing",
  "fixtures",
);
const home = createTempHome();
after(() => home.remove());

const run = async (args: readonly string[], options: MemoryIoOptions = {}, target = home.path) => {
  const io = createMemoryIo({
    ...options,
    env: { KEYPEARS_HOME: target, KEYPEARS_PASSWORD: PASSWORD, ...options.env },
  });
  const code = await main(args, { io });
  return { code, stdout: io.out(), stderr: io.err() };
};
const ok = async (args: readonly string[], options?: MemoryIoOptions, target?: string) => {
  const result = await run(args, options, target);
  assert.equal(result.code, 0, `${shownCommand(args)}: ${result.stderr}`);
  return result;
};
const titles = async (target = home.path) =>
  (JSON.parse((await ok(["list", "--json"], {}, target)).stdout) as { title: string }[])
    .map((i) => i.title)
    .sort();

test("import --dry-run reports what it would do and changes nothing", async () => {
  await ok(["init", "alice@localhost"]);
  const dry = JSON.parse(
    (await ok(["import", join(fixtures, "bitwarden.json"), "--dry-run", "--json"])).stdout,
  ) as Record<string, unknown>;
  assert.equal(dry["format"], "bitwarden-json");
  assert.equal(dry["dryRun"], true);
  assert.deepEqual(dry["byType"], { login: 2, note: 2, card: 1, identity: 1 });
  assert.deepEqual(dry["rejected"], [{ source: "item 7", reason: "unknown item type 9" }]);
  assert.equal((dry["mapped"] as Record<string, number>)["identity ssn -> custom field"], 1);
  assert.deepEqual(await titles(), []);
});

test("import commits every item; a second import reports the duplicates and skips them", async () => {
  const first = await ok(["import", join(fixtures, "bitwarden.json")]);
  assert.match(
    first.stdout,
    /^Imported 6 items from bitwarden-json \(2 logins, 2 notes, 1 card, 1 identity\)\./,
  );
  assert.deepEqual(await titles(), [
    "Company Visa",
    "Deploy key",
    "Me",
    "Prod server",
    "Wi-Fi à la maison",
  ]);
  const password = await ok(["get", "Prod server", "--field", "password"]);
  assert.equal(password.stdout, "current-pw\n");
  const again = JSON.parse(
    (await ok(["import", join(fixtures, "bitwarden.json"), "--dry-run", "--json"])).stdout,
  ) as {
    duplicates: { title: string; reason: string; action: string }[];
  };
  assert.deepEqual(
    again.duplicates.map((d) => [d.title, d.reason, d.action]),
    [["Prod server", "same site and username", "skip"]],
  );
});

test("import names every format when it cannot tell, and refuses broken files with the vault unchanged", async () => {
  const before = await titles();
  const strange = join(home.path, "strange.txt");
  writeFileSync(strange, "hello\nworld\n");
  const unknown = await run(["import", strange]);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /cannot tell which password manager wrote this file; name it with --from, one of: bitwarden-json, .*keypears/,
  );
  const broken = join(home.path, "broken.json");
  writeFileSync(broken, '{"encrypted": false, "folders": [], "items": [ {"type": 1, ');
  const refused = await run(["import", broken, "--from", "bitwarden-json"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /not a valid bitwarden-json file/);
  const wrong = await run(["import", join(fixtures, "keepass.kdbx")], {
    env: { KEYPEARS_FILE_PASSWORD: "not it" },
  });
  assert.match(wrong.stderr, /wrong password for this keepass-kdbx file/);
  assert.equal((await run(["import", strange, "--from", "nonsense"])).code, 2);
  assert.deepEqual(await titles(), before);
});

test("plaintext export needs --yes off a terminal, is created 0600, and never overwrites", async () => {
  const file = join(home.path, "out.csv");
  const refused = await run(["export", "--format", "csv", "--output", file]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /unencrypted/);
  assert.ok(!existsSync(file));
  const written = await ok(["export", "--format", "csv", "--output", file, "--yes"]);
  assert.match(written.stderr, /UNENCRYPTED/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(
    readFileSync(file, "utf8"),
    /^"Group","Title","Username","Password","URL","Notes","TOTP"/,
  );
  writeFileSync(file, "keep me");
  const again = await run(["export", "--format", "csv", "--output", file, "--yes"]);
  assert.match(again.stderr, /already exists; an export never overwrites a file/);
  assert.equal(readFileSync(file, "utf8"), "keep me");
});

test("a terminal confirmation is asked for a plaintext export; no means nothing is written", async () => {
  const file = join(home.path, "asked.json");
  const io = createMemoryIo({
    stdin: "tty",
    env: { KEYPEARS_HOME: home.path, KEYPEARS_PASSWORD: PASSWORD },
  });
  const running = main(["export", "--format", "bitwarden-json", "--output", file], { io });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  io.tty.write("n\n");
  assert.equal(await running, 1);
  assert.match(io.err(), /UNENCRYPTED to .*\[y\/N\]/);
  assert.ok(!existsSync(file));
});

test("an encrypted KeyPears export imports into a new account with the same items and history", async () => {
  const file = join(home.path, "backup.keypears");
  await ok(["edit", "Prod server", "--password", "newest-pw"]);
  await ok(["export", "--format", "keypears", "--output", file], {
    env: { KEYPEARS_EXPORT_PASSWORD: "export password" },
  });
  assert.ok(!readFileSync(file, "utf8").includes("newest-pw"), "the file is encrypted");
  const other = createTempHome();
  try {
    await ok(["init", "bob@localhost"], {}, other.path);
    await ok(["import", file], { env: { KEYPEARS_FILE_PASSWORD: "export password" } }, other.path);
    assert.deepEqual(await titles(other.path), await titles());
    const history = JSON.parse(
      (await ok(["history", "Prod server", "--field", "password", "--json"], {}, other.path))
        .stdout,
    ) as unknown;
    const text = JSON.stringify(history);
    for (const value of ["zeroth-pw", "first-pw", "current-pw", "newest-pw"])
      assert.ok(text.includes(value), value);
  } finally {
    other.remove();
  }
});
