/**
 * Verdicts kept sealed in a real vault file between sessions: a report in a new session (the vault
 * locked and unlocked again) estimates only passwords written since, finds the same, and the
 * file holds no verdict or password in plaintext.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, test } from "node:test";
import { systemRandomBytes } from "@keypears/base";
import type { Vault } from "@keypears/vault/core";
import { unlockVault } from "@keypears/vault";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "@keypears/vault/testing";
import { runHealthCheck } from "./health-report.ts";
import {
  createStrengthEstimator,
  type Strength,
  STRENGTH_MODEL,
  type StrengthEstimator,
} from "./password-strength.ts";
import {
  encodeVerdicts,
  openSealedStrengthCache,
  readVerdicts,
  type SealedRecords,
  STRENGTH_RECORD,
} from "./sealed-strength-cache.ts";
import { createStrengthCache } from "./strength-cache.ts";
import { healthSource } from "./vault-source.ts";

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "correct horse battery staple";
const ADDRESS = "verdicts@localhost";
const estimator = createStrengthEstimator();
const estimated: string[] = [];
const counting: StrengthEstimator = {
  estimate: (password, inputs) => (estimated.push(password), estimator.estimate(password, inputs)),
};

/** A report as `keypears health` makes it: verdicts read from the vault, saved back after. */
const reportInSession = async (vault: Vault, records: SealedRecords = vault.sync) => {
  const verdicts = openSealedStrengthCache(records);
  const report = await runHealthCheck({
    ...healthSource(vault),
    now: Date.now(),
    randomBytes: systemRandomBytes,
    estimator: counting,
    strengthCache: verdicts.cache,
  });
  verdicts.save();
  return report;
};

const reopen = async (vault: Vault): Promise<Vault> => {
  vault.lock();
  return expectOk(
    await unlockVault({ home: home.path, address: ADDRESS, password: PASSWORD, deps: cheapDeps() }),
  );
};

test("verdicts sealed in the vault spare a new session's report every unchanged password", async () => {
  let vault: Vault = (await createTestAccount(home.path, ADDRESS, { password: PASSWORD })).vault;
  const weak = expectOk(
    vault.add({ fields: { title: "Weak", password: "sunshine1", urls: ["https://a.example"] } }),
  );
  expectOk(vault.add({ fields: { title: "Strong", password: "vT8#qL2!xR9@mZ4$wK7&" } }));
  expectOk(vault.add({ fields: { title: "Reused 1", password: "Tr0ub4dor&3-horse-X" } }));
  expectOk(vault.add({ fields: { title: "Reused 2", password: "Tr0ub4dor&3-horse-X" } }));

  const first = await reportInSession(vault);
  assert.equal(estimated.length, 3, "each distinct password once");
  const kinds = (r: typeof first) => r.findings.map((f) => `${f.title}:${f.kind}`).sort();

  // A new session: nothing in memory, the verdicts come from the vault file.
  vault = await reopen(vault);
  estimated.length = 0;
  const second = await reportInSession(vault);
  assert.deepEqual(estimated, [], "no password estimated again");
  assert.deepEqual(kinds(second), kinds(first));

  // A changed password is estimated (only it), and its finding follows the new value.
  expectOk(vault.edit(weak.id, { password: "Xq7!pW3#zN8@kR2$" }));
  vault = await reopen(vault);
  estimated.length = 0;
  const third = await reportInSession(vault);
  assert.deepEqual(estimated, ["Xq7!pW3#zN8@kR2$"]);
  assert.ok(!kinds(third).includes("Weak:weak"));
  assert.ok(kinds(first).includes("Weak:weak"));

  // Sealed: the vault file holds no verdict (the model, a guessing time) and no password. (Write
  // ids are event ids, which the file's event log holds in the clear anyway.)
  const record = vault.sync.readSecret(STRENGTH_RECORD);
  assert.equal(readVerdicts(record).length, 4);
  vault.lock();
  const files = readdirSync(join(home.path, "vaults")).map((name) =>
    readFileSync(join(home.path, "vaults", name)).toString("latin1"),
  );
  for (const plain of [STRENGTH_MODEL, '"verdicts"', "Xq7!pW3#zN8@kR2$", "centuries"])
    assert.ok(!files.some((file) => file.includes(plain)), `"${plain}" is not in the file`);
});

test("saving writes only when a verdict was added or forgotten", async () => {
  let stored: Uint8Array | undefined;
  let writes = 0;
  const records: SealedRecords = {
    readSecret: () => stored,
    writeSecret: (_name, value) => {
      stored = value;
      writes++;
    },
  };
  const strong: Strength = estimator.estimate("vT8#qL2!xR9@mZ4$wK7&");
  const first = openSealedStrengthCache(records);
  first.save();
  assert.equal(writes, 0, "nothing changed");
  first.cache.set("0192a000-0000-7000-8000-000000000001", strong);
  first.save();
  first.save();
  assert.equal(writes, 1);
  const second = openSealedStrengthCache(records);
  assert.deepEqual(second.cache.get("0192a000-0000-7000-8000-000000000001"), strong);
  second.save();
  assert.equal(writes, 1, "reading is not a change");
  second.cache.retainOnly(new Set());
  second.save();
  assert.equal(writes, 2, "forgetting a replaced password's verdict is");
  assert.equal(openSealedStrengthCache(records).cache.size(), 0);
});

test("a record of another model, another version, or damaged is ignored, never half read", () => {
  const cache = createStrengthCache([["w1", estimator.estimate("sunshine1")]]);
  const good = encodeVerdicts(cache);
  assert.equal(readVerdicts(good).length, 1);
  const text = new TextDecoder().decode(good);
  const variants = [
    text.replace(`"model":"${STRENGTH_MODEL}"`, `"model":"zxcvbn 3"`),
    text.replace(`"v":1`, `"v":2`),
    text.slice(0, -3),
    text.replace(/"verdicts":\[\["w1",\d/, `"verdicts":[["w1",9`),
    text.replace(/\]\]\}$/, `],["w2"]]}`),
    "null",
  ];
  for (const variant of variants)
    assert.deepEqual(readVerdicts(new TextEncoder().encode(variant)), [], variant.slice(0, 60));
  assert.deepEqual(readVerdicts(new Uint8Array([0xff, 0xfe])), []);
  assert.deepEqual(readVerdicts(undefined), []);
});

test("the strength model names the zxcvbn-ts packages installed", () => {
  const require = createRequire(import.meta.url);
  for (const name of ["@zxcvbn-ts/core", "@zxcvbn-ts/language-common", "@zxcvbn-ts/language-en"]) {
    const { version } = require(`${name}/package.json`) as { version: string };
    assert.ok(
      STRENGTH_MODEL.includes(`${name}@${version} `),
      `${name} ${version}: update STRENGTH_MODEL (kept verdicts are then made again)`,
    );
  }
});
