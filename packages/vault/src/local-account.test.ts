import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { createAccount, unlockVault } from "./node/node-accounts.ts";
import { describeVaultError } from "./errors.ts";
import { guardNetwork } from "./testing/network-guard.ts";
import { createTestHome, expectOk } from "./testing/test-home.ts";

const home = createTestHome();
after(() => home.remove());

test("an @localhost account works end to end with real key derivation and never touches the network", async () => {
  const guard = guardNetwork();
  try {
    const created = await createAccount({
      home: home.path,
      address: "alice@localhost",
      password: "correct horse battery staple",
    });
    assert.ok(created.ok, created.ok ? "" : describeVaultError(created.error));
    const { vault, secretKey, recoveryKit } = created.value;
    assert.match(secretKey, /^K1-/);
    assert.ok(recoveryKit.includes(secretKey) && recoveryKit.includes("alice@localhost"));
    assert.equal(vault.localOnly, true);

    const bank = expectOk(
      vault.add({
        fields: {
          title: "Bank",
          username: "alice",
          password: "first-password",
          urls: ["https://bank.example"],
        },
      }),
    );
    expectOk(vault.add({ type: "note", fields: { title: "Wifi", notes: "router in the hall" } }));
    expectOk(vault.edit(bank.id, { password: "second-password" }));
    expectOk(vault.edit("bank", { password: "third-password", notes: "changed twice" }));
    expectOk(vault.trash("Bank"));
    assert.deepEqual(
      vault.list().map((i) => i.title),
      ["Wifi"],
    );
    assert.deepEqual(
      vault.list({ trash: true }).map((i) => i.title),
      ["Bank"],
    );
    expectOk(vault.restore("Bank"));

    const history = expectOk(vault.history("Bank", "password"));
    assert.deepEqual(
      history.fields[0]?.entries.map((e) => [e.value, e.current]),
      [
        ["first-password", false],
        ["second-password", false],
        ["third-password", true],
      ],
    );
    assert.ok(history.fields[0]?.entries.every((e) => e.device === vault.deviceId));
    assert.deepEqual(
      expectOk(vault.history("Bank")).status.map((s) => s.action),
      ["delete", "restore"],
    );
    assert.equal(
      vault.sync.status().pending,
      0,
      "a local-only account queues nothing for a server",
    );

    vault.lock();
    assert.throws(() => vault.list(), /locked/);
    const reopened = expectOk(
      await unlockVault({
        home: home.path,
        address: "alice@localhost",
        password: "correct horse battery staple",
      }),
    );
    const item = expectOk(reopened.get("bank"));
    assert.equal(item.fields.find((f) => f.name === "password")?.value, "third-password");
    assert.equal(item.status, "live");
    reopened.lock();
  } finally {
    guard.release();
  }
  assert.deepEqual(guard.attempts, [], "no network request was made");
});

test("the network guard itself catches a request (so the test above can fail)", () => {
  const guard = guardNetwork();
  try {
    assert.throws(() => fetch("http://127.0.0.1:9/"), /network access refused/);
  } finally {
    guard.release();
  }
  assert.deepEqual(guard.attempts, ["fetch"]);
});

test("the vault package imports no network module at all", () => {
  const sources = readdirSync(import.meta.dirname, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.includes("test") && !f.startsWith("testing"));
  assert.ok(sources.length > 5);
  for (const file of sources) {
    const text = readFileSync(join(import.meta.dirname, file), "utf8");
    assert.doesNotMatch(
      text,
      /from "node:(net|http|https|tls|dns|dgram)"|fetch\(|@orpc|WebSocket/,
      file,
    );
  }
});
