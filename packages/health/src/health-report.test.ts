/**
 * The report on a real vault whose items are known weak, reused, old, on http: or without TOTP,
 * beside strong unique ones that must produce nothing; dismissals and fixes; no password in the
 * report unless asked.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { systemRandomBytes, unwrap } from "@keypears/base";
import { generatePassword } from "@keypears/crypto";
import type { Item, Vault } from "@keypears/vault/core";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "@keypears/vault/testing";
import { DISMISSED_FIELD, withDismissal } from "./dismissals.ts";
import type { Finding } from "./findings.ts";
import { type HealthReport, needsAttention, runHealthCheck } from "./health-report.ts";
import { createStrengthEstimator, type StrengthEstimator } from "./password-strength.ts";
import { createStrengthCache } from "./strength-cache.ts";
import { healthSource } from "./vault-source.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const home = createTestHome();
let clock = NOW - 400 * DAY;
let vault: Vault;
const estimator = createStrengthEstimator();
const strong = () => unwrap(generatePassword({ length: 20 })).password;
const TOTP = "JBSWY3DPEHPK3PXP";
const ids: Record<string, string> = {};
const secrets: Record<string, string> = {};

const add = (
  key: string,
  fields: Record<string, string | readonly string[]>,
  type?: "login" | "note",
) => {
  const item = expectOk(
    vault.add({ ...(type === undefined ? {} : { type }), fields: { title: key, ...fields } }),
  );
  ids[key] = item.id;
  if (typeof fields["password"] === "string") secrets[key] = fields["password"];
  return item;
};

const report = (options: { revealPasswords?: boolean; maxAgeDays?: number } = {}) =>
  runHealthCheck({
    ...healthSource(vault),
    now: NOW,
    randomBytes: systemRandomBytes,
    estimator,
    ...options,
  });

const findingsOf = (r: HealthReport, key: string): string[] =>
  r.findings
    .filter((f) => f.itemId === ids[key])
    .map((f) => f.kind)
    .sort();

before(async () => {
  vault = (
    await createTestAccount(home.path, "health@localhost", {
      deps: cheapDeps({ now: () => clock }),
    })
  ).vault;
  // 400 days ago: one password that has not changed since, one that changed last month.
  add("Old", { password: strong(), urls: ["https://old.example"], totp: TOTP });
  add("Changed", { password: strong(), urls: ["https://changed.example"], totp: TOTP });
  clock = NOW - 30 * DAY;
  expectOk(vault.edit(ids["Changed"] as string, { password: (secrets["Changed"] = strong()) }));
  clock = NOW - DAY;
  const shared = strong();
  add("Strong A", { password: strong(), urls: ["https://a.example"], totp: TOTP });
  add("Strong B", { password: strong(), urls: ["https://b.example"], totp: TOTP });
  add("Weak", { password: "password1", urls: ["https://weak.example"], totp: TOTP });
  add("Reused 1", { password: shared, urls: ["https://r1.example"], totp: TOTP });
  add("Reused 2", { password: shared, urls: ["https://r2.example"], totp: TOTP });
  add("Reused 3", { password: shared, urls: ["https://r3.example"], totp: TOTP });
  add("Plain HTTP", {
    password: strong(),
    urls: ["http://insecure.example/login", "https://ok.example"],
    totp: TOTP,
  });
  add("Router", {
    password: strong(),
    urls: ["http://localhost:8080", "http://127.0.0.1/"],
    totp: TOTP,
  });
  add("No 2FA", { password: strong(), urls: ["https://no2fa.example"] });
  add("Note", { notes: "no password here" }, "note");
  add("Trashed weak", { password: "123456", urls: ["http://trash.example"] });
  expectOk(vault.trash(ids["Trashed weak"] as string));
  clock = NOW;
});
after(() => {
  vault.lock();
  home.remove();
});

test("each known problem is found on its item, and strong unique items have none", async () => {
  const r = await report();
  assert.deepEqual(findingsOf(r, "Strong A"), []);
  assert.deepEqual(findingsOf(r, "Strong B"), []);
  assert.deepEqual(findingsOf(r, "Changed"), [], "a password changed last month is not old");
  assert.deepEqual(
    findingsOf(r, "Router"),
    [],
    "http: to this machine sends nothing over a network",
  );
  assert.deepEqual(findingsOf(r, "Note"), []);
  assert.deepEqual(findingsOf(r, "Trashed weak"), [], "the trash is not checked");
  assert.deepEqual(findingsOf(r, "Weak"), ["weak"]);
  assert.deepEqual(findingsOf(r, "Old"), ["old"]);
  assert.deepEqual(findingsOf(r, "Plain HTTP"), ["insecure-url"]);
  assert.deepEqual(findingsOf(r, "No 2FA"), ["missing-2fa"]);
  for (const key of ["Reused 1", "Reused 2", "Reused 3"])
    assert.deepEqual(findingsOf(r, key), ["reused"]);

  const weak = r.findings.find((f) => f.kind === "weak");
  assert.ok(weak?.kind === "weak");
  assert.ok(weak.score < 3 && weak.reasons.includes("common-password"), JSON.stringify(weak));
  assert.equal(weak.severity, "high");
  assert.match(weak.message, /could be guessed in .+ \(a common password/);
  const old = r.findings.find((f) => f.kind === "old");
  assert.ok(old?.kind === "old");
  assert.equal(old.ageDays, 400);
  assert.equal(old.since, NOW - 400 * DAY);
  const reused = r.findings.filter((f) => f.kind === "reused");
  assert.ok(reused.every((f) => f.kind === "reused" && f.group === 1 && f.others.length === 2));
  const insecure = r.findings.find((f) => f.kind === "insecure-url");
  assert.ok(insecure?.kind === "insecure-url");
  assert.deepEqual(insecure.urls, ["http://insecure.example/login"]);

  assert.equal(r.items, 12);
  assert.equal(r.passwords, 11);
  assert.deepEqual(r.counts, {
    exposed: 0,
    reused: 3,
    weak: 1,
    old: 1,
    "insecure-url": 1,
    "missing-2fa": 1,
  });
  assert.deepEqual(r.exposedCheck, { state: "off" });
  assert.equal(needsAttention(r), true);
  // Most urgent first: reused and weak (high), then old and http: (medium), the hint last.
  assert.deepEqual(
    r.findings.map((f) => f.kind),
    ["reused", "reused", "reused", "weak", "old", "insecure-url", "missing-2fa"],
  );
});

test("the age limit is a setting, and an old item is old by its password's history", async () => {
  const r = await report({ maxAgeDays: 20 });
  assert.deepEqual(findingsOf(r, "Changed"), ["old"]);
  const changed = r.findings.find((f) => f.itemId === ids["Changed"] && f.kind === "old");
  assert.ok(changed?.kind === "old" && changed.ageDays === 30);
  assert.deepEqual(findingsOf(r, "Strong A"), [], "written yesterday");
  await assert.rejects(report({ maxAgeDays: 0 }), /maxAgeDays must be a positive number/);
});

test("no password is in the report unless asked for, and then only on findings about it", async () => {
  const quiet = JSON.stringify(await report());
  for (const [key, password] of Object.entries(secrets))
    assert.ok(!quiet.includes(password), `${key}'s password is in the report`);
  const shown = await report({ revealPasswords: true });
  for (const finding of shown.findings) {
    const key = Object.keys(ids).find((k) => ids[k] === finding.itemId) as string;
    const aboutPassword = ["exposed", "reused", "weak", "old"].includes(finding.kind);
    assert.equal(
      finding.password,
      aboutPassword ? secrets[key] : undefined,
      `${finding.kind} of ${key}`,
    );
  }
});

test("a dismissed finding leaves the open list until its password changes; a fix clears it", async () => {
  const before = await report();
  const weak = before.findings.find((f) => f.kind === "weak") as Finding;
  const item = expectOk(vault.get(weak.itemId));
  const next = withDismissal(fieldOf(item, DISMISSED_FIELD), weak.dismissKey);
  assert.ok(next !== undefined);
  expectOk(vault.edit(item.id, { [DISMISSED_FIELD]: next }));
  const dismissed = await report();
  assert.deepEqual(findingsOf(dismissed, "Weak"), []);
  assert.deepEqual(
    dismissed.dismissed.map((f) => [f.itemId, f.kind]),
    [[weak.itemId, "weak"]],
  );
  assert.equal(dismissed.counts.weak, 0);

  // Another weak password is a new finding: the dismissal named the old one's write.
  expectOk(vault.edit(item.id, { password: "letmein" }));
  const again = await report();
  assert.deepEqual(findingsOf(again, "Weak"), ["weak"]);

  // A generated password fixes it.
  expectOk(vault.edit(item.id, { password: strong() }));
  assert.deepEqual(findingsOf(await report(), "Weak"), []);

  // Dismissing the hint of the login without TOTP holds whatever its password becomes.
  const hint = (await report()).findings.find((f) => f.kind === "missing-2fa") as Finding;
  assert.equal(hint.dismissKey, "missing-2fa");
  expectOk(vault.edit(hint.itemId, { [DISMISSED_FIELD]: [hint.dismissKey] }));
  expectOk(vault.edit(hint.itemId, { password: strong() }));
  assert.deepEqual(findingsOf(await report(), "No 2FA"), []);
});

test("a vault with only strong, unique, recent, https logins with TOTP needs no attention", async () => {
  const r = await runHealthCheck({
    items: [
      expectOk(vault.get(ids["Strong A"] as string)),
      expectOk(vault.get(ids["Strong B"] as string)),
    ],
    now: NOW,
    randomBytes: systemRandomBytes,
    estimator,
  });
  assert.deepEqual(r.findings, []);
  assert.equal(needsAttention(r), false);
});

test("with a strength cache, a report estimates only passwords written since the last one, and finds the same", async () => {
  const estimated: string[] = [];
  const counting: StrengthEstimator = {
    estimate: (password, inputs) => (
      estimated.push(password),
      estimator.estimate(password, inputs)
    ),
  };
  const cache = createStrengthCache();
  const cachedReport = () =>
    runHealthCheck({
      ...healthSource(vault),
      now: NOW,
      randomBytes: systemRandomBytes,
      estimator: counting,
      strengthCache: cache,
    });
  const plain = await report();
  const first = await cachedReport();
  assert.deepEqual(first.findings, plain.findings);
  assert.equal(
    estimated.length,
    first.passwords - 2,
    "each distinct password once (the reused three share one)",
  );
  assert.ok(estimated.length > 0);
  assert.equal(cache.size(), first.passwords, "one verdict per live password write");

  estimated.length = 0;
  const second = await cachedReport();
  assert.deepEqual(second.findings, plain.findings);
  assert.deepEqual(estimated, [], "nothing is estimated again");

  // A new weak password is estimated (once) and found; the replaced write's verdict is forgotten.
  const item = expectOk(vault.get(ids["Strong A"] as string));
  expectOk(vault.edit(item.id, { password: "dragon12" }));
  const third = await cachedReport();
  assert.deepEqual(estimated, ["dragon12"]);
  assert.deepEqual(findingsOf(third, "Strong A"), ["weak"]);
  assert.equal(cache.size(), third.passwords);
  expectOk(vault.edit(item.id, { password: strong() }));
  assert.deepEqual(findingsOf(await cachedReport(), "Strong A"), []);
});

const fieldOf = (item: Item, name: string) => item.fields.find((f) => f.name === name)?.value;
