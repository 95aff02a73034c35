import assert from "node:assert/strict";
import { after, test } from "node:test";
import { bytesToHex } from "@keypears/base";
import { parseSecretKey } from "@keypears/crypto";
import {
  CHEAP_KDF,
  cheapDeps,
  createAccount,
  createTestAccount,
  createTestHome,
  expectOk,
  joinAccount,
  listVaultFiles,
  openVaultFile,
  removeAccountFile,
  unlockVault,
  vaultFileBytes,
} from "./testing/test-platform.ts";

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "correct horse battery staple";
const fileHex = (address: string) => bytesToHex(vaultFileBytes(home.path, address));
const snapshotTables = (address: string) => {
  const db = openVaultFile(home.path, address);
  const dump = ["events", "items", "history", "outbox"].map((table) =>
    JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(), (_, v: unknown) =>
      v instanceof Uint8Array ? bytesToHex(v) : v,
    ),
  );
  db.close();
  return dump;
};

test("a wrong password is refused without a hint, and changes nothing", async () => {
  const { vault } = await createTestAccount(home.path, "wrong@localhost");
  expectOk(vault.add({ fields: { title: "Keep me" } }));
  vault.lock();
  const before = fileHex("wrong@localhost");
  const result = await unlockVault({
    home: home.path,
    address: "wrong@localhost",
    password: "not it",
    deps: cheapDeps(),
  });
  assert.deepEqual(result, { ok: false, error: { kind: "wrong-credentials" } });
  assert.equal(fileHex("wrong@localhost"), before);
});

test("key-derivation parameters below the client's floor are refused, even from the vault file", async () => {
  (await createTestAccount(home.path, "weak@localhost")).vault.lock();
  const db = openVaultFile(home.path, "weak@localhost");
  db.prepare("UPDATE account SET kdf = ?").run(
    JSON.stringify({ algorithm: "argon2id", memoryKiB: 8192, iterations: 1, parallelism: 1 }),
  );
  db.close();
  const result = await unlockVault({
    home: home.path,
    address: "weak@localhost",
    password: PASSWORD,
  });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? "" : result.error.kind, "kdf-params-too-weak");
});

test("creating an account below the floor is refused, and leaves no file", async () => {
  const result = await createAccount({
    home: home.path,
    address: "floor@localhost",
    password: PASSWORD,
    kdf: { algorithm: "argon2id", memoryKiB: 1024, iterations: 3, parallelism: 1 },
  });
  assert.equal(result.ok ? "" : result.error.kind, "kdf-params-too-weak");
  assert.deepEqual(
    listVaultFiles(home.path).filter((a) => a.startsWith("floor")),
    [],
  );
});

test("changing the master password rewraps the vault key and re-encrypts nothing else", async () => {
  const address = "passwd@localhost";
  const created = await createTestAccount(home.path, address);
  expectOk(created.vault.add({ fields: { title: "A", password: "pa" } }));
  expectOk(created.vault.add({ fields: { title: "B", password: "pb" } }));
  created.vault.lock(); // the file is read with the vault locked (one connection, as in a browser)
  const tablesBefore = snapshotTables(address);
  const vault = expectOk(
    await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }),
  );
  assert.deepEqual(await vault.changePassword("wrong old password", "new"), {
    ok: false,
    error: { kind: "wrong-credentials" },
  });
  const change = expectOk(await vault.changePassword(PASSWORD, "a new long passphrase"));
  change.commit();
  vault.lock();
  assert.deepEqual(snapshotTables(address), tablesBefore);
  assert.deepEqual(
    await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }),
    {
      ok: false,
      error: { kind: "wrong-credentials" },
    },
  );
  const reopened = expectOk(
    await unlockVault({
      home: home.path,
      address,
      password: "a new long passphrase",
      deps: cheapDeps(),
    }),
  );
  assert.deepEqual(
    reopened.list().map((i) => i.title),
    ["A", "B"],
  );
  reopened.lock();
});

test("an existing account is never overwritten", async () => {
  await createTestAccount(home.path, "twice@localhost");
  const again = await createAccount({
    home: home.path,
    address: "twice@localhost",
    password: "x",
    kdf: CHEAP_KDF,
    deps: cheapDeps(),
  });
  assert.deepEqual(again, {
    ok: false,
    error: { kind: "account-exists", address: "twice@localhost" },
  });
});

test("an account's file can be removed from the device", async () => {
  const { vault } = await createTestAccount(home.path, "leaving@localhost");
  vault.lock();
  assert.ok(listVaultFiles(home.path).includes("leaving@localhost" as never));
  expectOk(removeAccountFile(home.path, "leaving@localhost"));
  assert.ok(!listVaultFiles(home.path).includes("leaving@localhost" as never));
  assert.equal(removeAccountFile(home.path, "leaving@localhost").ok, false);
});

test("one device holds several accounts, each in its own file", async () => {
  const before = listVaultFiles(home.path).length;
  const one = await createTestAccount(home.path, "bob@localhost");
  const two = await createTestAccount(home.path, "bob@Example.COM", {
    serverUrl: "https://example.com",
  });
  assert.equal(two.vault.address, "bob@example.com", "the domain is lowercased");
  assert.equal(two.vault.localOnly, false);
  expectOk(one.vault.add({ fields: { title: "only in one" } }));
  assert.deepEqual(two.vault.list(), []);
  assert.equal(listVaultFiles(home.path).length, before + 2);
  one.vault.lock();
  two.vault.lock();
});

test("addresses are checked, and @localhost cannot have a server", async () => {
  for (const bad of [
    "alice",
    "@localhost",
    "alice@",
    "al ice@localhost",
    "alice@bad_domain",
    "a@b..c",
  ]) {
    const result = await createAccount({
      home: home.path,
      address: bad,
      password: "x",
      kdf: CHEAP_KDF,
      deps: cheapDeps(),
    });
    assert.equal(result.ok ? "" : result.error.kind, "invalid-address", bad);
  }
  const local = await createAccount({
    home: home.path,
    address: "c@localhost",
    password: "x",
    serverUrl: "https://x",
    kdf: CHEAP_KDF,
    deps: cheapDeps(),
  });
  assert.equal(local.ok ? "" : local.error.kind, "invalid-address");
});

test("a synced account can be joined on another device with the password and Secret Key, and not without", async () => {
  const other = createTestHome();
  try {
    const created = await createTestAccount(home.path, "carol@example.com", {
      serverUrl: "https://example.com",
    });
    const { registration } = created;
    const secretKey = expectOk(parseSecretKey(created.secretKey));
    const join = (password: string, key = secretKey) =>
      joinAccount({
        home: other.path,
        address: "carol@example.com",
        password,
        secretKey: key,
        serverUrl: "https://example.com",
        kdf: registration.kdf,
        salt: registration.salt,
        vaultId: registration.vaultId,
        wrappedVaultKey: registration.wrappedVaultKey,
        deviceId: "00000000000000aa" as never,
        deps: cheapDeps(),
      });
    assert.deepEqual(await join("wrong"), { ok: false, error: { kind: "wrong-credentials" } });
    const wrongKey = Uint8Array.from(secretKey, (b, i) => (i === 0 ? b ^ 1 : b));
    assert.deepEqual(await join(PASSWORD, wrongKey as typeof secretKey), {
      ok: false,
      error: { kind: "wrong-credentials" },
    });
    assert.deepEqual(listVaultFiles(other.path), [], "a failed join leaves nothing behind");
    const joined = expectOk(await join(PASSWORD));
    assert.equal(joined.vaultId, created.vault.vaultId);
    assert.notEqual(joined.deviceId, created.vault.deviceId);
    joined.lock();
    created.vault.lock();
    expectOk(
      await unlockVault({
        home: other.path,
        address: "carol@example.com",
        password: PASSWORD,
        deps: cheapDeps(),
      }),
    ).lock();
  } finally {
    other.remove();
  }
});
