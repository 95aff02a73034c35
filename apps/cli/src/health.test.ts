/**
 * `keypears health` as a person or a script runs it: the real binary on a vault with known weak,
 * reused, old, http: and TOTP-less items (written in-process with a clock 400 days back, so they
 * have an old history), the exposed check against a range server on loopback, dismissals, and the
 * exit code. No password may be printed unless --show-passwords asks.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { createAccount, defaultVaultDeps, describeVaultError } from "@keypears/vault";
import { type CliResult, createTempHome, parseJson, PASSWORD, runCli } from "./testing/run-cli.ts";

const DAY = 24 * 60 * 60 * 1000;
const TOTP = "JBSWY3DPEHPK3PXP";
const PASSWORDS = {
  strong: "vR8!qLz#2mKp$9wXe4^T",
  weak: "password1",
  shared: "Sh4red-but-long-Secret!",
  old: "Xq7@pN3$zL9!mW2#bK5&",
  http: "hT7$kP2!wQ9@zM4#nR6^",
  noTotp: "nT5#jK8$wP3!qZ7@mV2&",
};

const home = createTempHome();
const cleanHome = createTempHome();
let server: Server;
let source = "";
const requested: string[] = [];

const addItems = async (
  path: string,
  items: readonly { at: number; fields: Record<string, string | string[]> }[],
) => {
  let clock = items[0]?.at ?? Date.now();
  const created = await createAccount({
    home: path,
    address: "alice@localhost",
    password: PASSWORD,
    deps: { ...defaultVaultDeps, now: () => clock },
  });
  if (!created.ok) throw new Error(describeVaultError(created.error));
  const { vault } = created.value;
  for (const item of items) {
    clock = item.at;
    const added = vault.add({ fields: item.fields as Record<string, string> });
    if (!added.ok) throw new Error(describeVaultError(added.error));
  }
  vault.lock();
};

before(async () => {
  const now = Date.now();
  await addItems(home.path, [
    {
      at: now - 400 * DAY,
      fields: { title: "Old", password: PASSWORDS.old, urls: ["https://old.example"], totp: TOTP },
    },
    {
      at: now,
      fields: {
        title: "Strong",
        password: PASSWORDS.strong,
        urls: ["https://strong.example"],
        totp: TOTP,
      },
    },
    {
      at: now,
      fields: {
        title: "Forum",
        password: PASSWORDS.weak,
        urls: ["https://forum.example"],
        totp: TOTP,
      },
    },
    {
      at: now,
      fields: {
        title: "Shop",
        password: PASSWORDS.shared,
        urls: ["https://shop.example"],
        totp: TOTP,
      },
    },
    {
      at: now,
      fields: {
        title: "Bank",
        password: PASSWORDS.shared,
        urls: ["https://bank.example"],
        totp: TOTP,
      },
    },
    {
      at: now,
      fields: {
        title: "Wiki",
        password: PASSWORDS.http,
        urls: ["http://wiki.example"],
        totp: TOTP,
      },
    },
    {
      at: now,
      fields: { title: "Mail", password: PASSWORDS.noTotp, urls: ["https://mail.example"] },
    },
  ]);
  await addItems(cleanHome.path, [
    {
      at: now,
      fields: {
        title: "Strong",
        password: PASSWORDS.strong,
        urls: ["https://strong.example"],
        totp: TOTP,
      },
    },
  ]);
  // A range server with the weak password breached 12,345 times, padding, and strangers.
  const sha1 = (text: string) => createHash("sha1").update(text).digest("hex").toUpperCase();
  const weak = sha1(PASSWORDS.weak);
  server = createServer((request, response) => {
    requested.push(request.url ?? "");
    const prefix = (request.url ?? "").slice(-5);
    const lines = [`${"F".repeat(35)}:3`, `${"0".repeat(35)}:0`];
    if (prefix === weak.slice(0, 5)) lines.push(`${weak.slice(5)}:12345`);
    response.writeHead(200).end(lines.join("\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  source = `http://127.0.0.1:${(server.address() as AddressInfo).port}/range/`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  home.remove();
  cleanHome.remove();
});

const kp = (args: readonly string[], path = home.path) =>
  runCli(["health", ...args], { home: path });

const assertNoPassword = (result: CliResult) => {
  for (const [name, password] of Object.entries(PASSWORDS))
    assert.ok(
      !result.stdout.includes(password) && !result.stderr.includes(password),
      `the ${name} password was printed`,
    );
};

interface JsonFinding {
  readonly kind: string;
  readonly title: string;
  readonly password?: string;
  readonly timesSeen?: number;
}
interface JsonReport {
  readonly findings: readonly JsonFinding[];
  readonly dismissed: readonly JsonFinding[];
  readonly exposedCheck: { readonly state: string; readonly reason?: string };
  readonly needsAttention: boolean;
}
const kindsByTitle = (report: JsonReport) => {
  const kinds: Record<string, string[]> = {};
  for (const f of report.findings) (kinds[f.title] ??= []).push(f.kind);
  return kinds;
};

test("the report lists each problem on its item, nothing on the strong one, no password, exit 1", async () => {
  const text = await kp([]);
  assert.equal(text.code, 1, text.stderr);
  assertNoPassword(text);
  assert.match(text.stdout, /Password health of alice@localhost: 7 items, 7 with a password/);
  assert.match(text.stdout, /Forum +high +weak +guessed in less than a second: a common password/);
  assert.match(text.stdout, /Old +medium +old +unchanged for 400 days/);
  assert.match(text.stdout, /Wiki +medium +insecure-url +http:\/\/wiki\.example/);
  assert.match(text.stdout, /Exposed passwords: not checked/);
  assert.doesNotMatch(text.stdout, /Strong/);

  const json = await kp(["--json"]);
  assert.equal(json.code, 1);
  assertNoPassword(json);
  const report = parseJson(json) as JsonReport;
  assert.deepEqual(kindsByTitle(report), {
    Bank: ["reused"],
    Shop: ["reused"],
    Forum: ["weak"],
    Old: ["old"],
    Wiki: ["insecure-url"],
    Mail: ["missing-2fa"],
  });
  assert.deepEqual(report.exposedCheck, { state: "off" });
  assert.equal(requested.length, 0, "nothing was sent while the check was off");
});

test("--show-passwords prints the passwords of the findings about them", async () => {
  const text = await kp(["--show-passwords"]);
  assert.match(text.stdout, /PASSWORD/);
  assert.match(text.stdout, new RegExp(`Forum .+ ${PASSWORDS.weak}\n`));
  assert.match(text.stdout, new RegExp(`Shop .+ ${PASSWORDS.shared}\n`));
  assert.ok(!text.stdout.includes(PASSWORDS.strong), "only the passwords of findings");
});

test("--check-exposed asks the range source with 5-digit prefixes and reports the breached password", async () => {
  const result = await kp(["--check-exposed", "--exposed-source", source, "--json"]);
  assert.equal(result.code, 1, result.stderr);
  assertNoPassword(result);
  const report = parseJson(result) as JsonReport;
  assert.equal(report.exposedCheck.state, "done");
  const exposed = report.findings.filter((f) => f.kind === "exposed");
  assert.deepEqual(
    exposed.map((f) => [f.title, f.timesSeen]),
    [["Forum", 12345]],
  );
  assert.equal(report.findings[0]?.kind, "exposed");
  assert.equal(requested.length, 6, "one request per distinct password");
  assert.ok(
    requested.every((url) => /^\/range\/[0-9A-F]{5}$/.test(url)),
    requested.join(" "),
  );
});

test("an exposed source that is down is reported on stderr and in the report, with exit 1", async () => {
  const result = await runCli(["health", "--check-exposed", "--json"], {
    home: cleanHome.path,
    env: { KEYPEARS_EXPOSED_SOURCE: "http://127.0.0.1:9/range/" },
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /warning: the exposed check could not run: the source could not be reached/,
  );
  const report = parseJson(result) as JsonReport;
  assert.equal(report.exposedCheck.state, "failed");
  assert.deepEqual(report.findings, []);
});

test("a vault with nothing to fix exits 0", async () => {
  const result = await kp([], cleanHome.path);
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /Nothing to fix\./);
});

test("a dismissed finding is kept out of the list until undismissed", async () => {
  for (const [kind, title] of [
    ["reused", "Shop"],
    ["reused", "Bank"],
    ["weak", "Forum"],
  ] as const) {
    const done = await kp(["--dismiss", kind, title]);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, new RegExp(`Dismissed the ${kind} finding of "${title}"`));
  }
  const quiet = await kp(["--json"]);
  const report = parseJson(quiet) as JsonReport;
  assert.deepEqual(kindsByTitle(report), {
    Old: ["old"],
    Wiki: ["insecure-url"],
    Mail: ["missing-2fa"],
  });
  assert.deepEqual(
    report.dismissed.map((f) => [f.title, f.kind]),
    [
      ["Bank", "reused"],
      ["Shop", "reused"],
      ["Forum", "weak"],
    ],
  );

  const back = await kp(["--undismiss", "weak", "Forum"]);
  assert.equal(back.code, 0, back.stderr);
  const again = parseJson(await kp(["--json"])) as JsonReport;
  assert.deepEqual(kindsByTitle(again)["Forum"], ["weak"]);
  const none = await kp(["--undismiss", "weak", "Forum"]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /has no dismissed weak finding/);
});

test("bad arguments are usage errors that change nothing", async () => {
  for (const args of [
    ["--dismiss", "bogus", "Forum"],
    ["--dismiss", "weak"],
    ["--max-age", "0"],
    ["--exposed-source", source],
    ["--check-exposed", "--exposed-source", "ftp://mirror.example/"],
  ]) {
    const result = await kp(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /^keypears: .+health --help/);
  }
});
