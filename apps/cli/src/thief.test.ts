/**
 * The thief of issue 16, end to end: every step a separate `keypears` process against a real
 * `keypears serve`. A thief device signs in with the master password and the Secret Key; the
 * owner revokes it (a new vault key, published at once, so a device that signs in later still
 * reads everything) and runs `passwd --new-secret-key`. The thief, with its old session, the old
 * password and Secret Key and a copy of everything the server holds, can then neither sign in, nor
 * read an item added after, nor push anything the other devices accept. A second thief device the
 * owner never revoked (a stowaway) is as shut out: the new vault key of `passwd --new-secret-key`
 * is delivered to no other device, so with its old keys, old session and everything the server
 * holds (log, snapshot, wrapped keys) it reads nothing written after. An honest device gets a
 * clear message, comes back with `keypears login` and the new recovery kit, reads everything, and
 * its next rotation is delivered to every enrolled device again.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before } from "node:test";
import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import { boundedTest } from "@keypears/base/testing";
import { type KdfParams, parseSecretKey } from "@keypears/crypto";
import {
  createHttpTransport,
  createServerClient,
  createSyncEngine,
  discoverServer,
  loadSession,
  type ServerEndpoint,
} from "@keypears/sync-client";
import { parseSignedSnapshot } from "@keypears/sync-core";
import { defaultVaultDeps, openWrappedEpochKeys, unlockVault, type Vault } from "@keypears/vault";
import {
  BIN,
  type CliResult,
  createTempHome,
  PASSWORD,
  parseJson,
  runCli,
  type TempHome,
  shownCommand,
} from "./testing/run-cli.ts";
import { freePort } from "./testing/free-port.ts";

// One long scenario of some 25 CLI processes, each with its own key derivation: on a loaded
// machine it needs more than the default bound, and stays inside the file's limit.
const test = boundedTest(540_000);
const NEW = "after the leak a brand new password";

let port: number;
let address: string;
let endpoint: ServerEndpoint;
let server: ChildProcess | undefined;
const serverHome = createTempHome();
const laptop = createTempHome();
const phone = createTempHome();
const thief = createTempHome();
const desk = createTempHome();
const thiefAgain = createTempHome();
const stowaway = createTempHome();

before(async () => {
  port = await freePort();
  address = `alice@localhost:${port}`;
  const child = spawn(
    process.execPath,
    [
      BIN,
      "serve",
      "--port",
      String(port),
      "--domain",
      `localhost:${port}`,
      "--data-dir",
      serverHome.path,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  server = child;
  await new Promise<void>((resolve, reject) => {
    let log = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk;
      if (log.includes('"msg":"listening"')) resolve();
    });
    child.on("exit", (code) => reject(new Error(`keypears serve exited ${code}: ${log}`)));
  });
  const found = await discoverServer(`localhost:${port}`, `http://localhost:${port}`);
  assert.ok(found.ok);
  endpoint = found.value;
});
after(async () => {
  const child = server;
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  for (const home of [serverHome, laptop, phone, thief, desk, thiefAgain, stowaway]) home.remove();
});

const run = (home: TempHome, args: readonly string[], env: Record<string, string> = {}) =>
  runCli(args, { home: home.path, env });
const ok = async (home: TempHome, args: readonly string[], env: Record<string, string> = {}) => {
  const result = await run(home, args, env);
  assert.equal(result.code, 0, `${shownCommand(args)}\n${result.stderr}`);
  return result;
};
const fails = (result: CliResult, message: RegExp) => {
  assert.equal(result.code, 1, `expected a failure:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /key material/);
};
const titles = async (home: TempHome, env: Record<string, string> = {}) =>
  (parseJson(await ok(home, ["list", "--json"], env)) as { title: string }[])
    .map((item) => item.title)
    .sort();

/** Works on a vault file in this process, as an attacker's own script would, and locks it after. */
const withOpened = async <T>(
  home: TempHome,
  password: string,
  work: (vault: Vault) => Promise<T>,
): Promise<T> => {
  const unlocked = await unlockVault({ home: home.path, address, password });
  assert.ok(unlocked.ok, "the vault file opens");
  try {
    return await work(unlocked.value);
  } finally {
    unlocked.value.lock();
  }
};

/**
 * The thief's own sync code, sending every request with `token` (its old session, or another
 * device's: a server that serves it anything) and skipping the honest client's account check.
 */
const thiefSync = (vault: Vault, token: string) =>
  createSyncEngine(
    vault,
    createHttpTransport(createServerClient(endpoint.apiUrl, () => token)),
  ).syncOnce();

test("after revoke and passwd --new-secret-key, the thief can neither sign in, nor read, nor push", async () => {
  const init = parseJson(await ok(laptop, ["init", address, "--json"])) as { secretKey: string };
  const secretKey = { KEYPEARS_SECRET_KEY: init.secretKey };
  await ok(laptop, ["add", "--title", "Bank", "--password", "s3cret"]);
  await ok(laptop, ["sync"]);
  await ok(phone, ["login", address, "--device-name", "phone"], secretKey);

  // The thief has the password and the Secret Key: it signs in and reads everything.
  const joined = parseJson(
    await ok(thief, ["login", address, "--device-name", "alice-laptop", "--json"], secretKey),
  ) as { deviceId: string };
  assert.deepEqual(await titles(thief), ["Bank"], "login synced it");
  const oldSession = await withOpened(thief, PASSWORD, async (vault) => loadSession(vault)?.token);
  assert.ok(oldSession !== undefined);
  // A second thief device, which the owner never finds out about.
  const stowed = parseJson(
    await ok(stowaway, ["login", address, "--device-name", "old-phone", "--json"], secretKey),
  ) as { deviceId: string };
  const stowawaySession = await withOpened(
    stowaway,
    PASSWORD,
    async (vault) => loadSession(vault)?.token,
  );
  assert.ok(stowawaySession !== undefined);
  await ok(laptop, ["sync"]);

  // The owner revokes it: a new vault key, sent to the server at once under the password.
  const revoked = parseJson(await ok(laptop, ["devices", "revoke", joined.deviceId, "--json"])) as {
    revoked: boolean;
    newKey: { epoch: number; published: boolean };
  };
  assert.equal(revoked.revoked, true);
  assert.deepEqual(revoked.newKey, { epoch: 1, published: true, problem: null });
  // A device that signs in now reads what is written after the revocation (nothing quarantined).
  await ok(desk, ["login", address, "--device-name", "desk"], secretKey);
  await ok(laptop, ["add", "--title", "After the revoke"]);
  await ok(laptop, ["sync"]);
  const deskSync = parseJson(await ok(desk, ["sync", "--json"])) as { pulled: number };
  assert.ok(deskSync.pulled > 0);
  assert.deepEqual(await titles(desk), ["After the revoke", "Bank"]);
  // The stowaway is still enrolled: it received the key of the revocation's epoch.
  await ok(stowaway, ["sync"]);
  assert.deepEqual(await titles(stowaway), ["After the revoke", "Bank"]);

  // The way out after a leak.
  const changed = parseJson(
    await ok(laptop, ["passwd", "--new-secret-key", "--json"], { KEYPEARS_NEW_PASSWORD: NEW }),
  ) as { secretKey: string; recoveryKit: string; keyEpoch: number; newKeyOnServer: boolean };
  assert.notEqual(changed.secretKey, init.secretKey);
  assert.match(changed.recoveryKit, new RegExp(`Secret Key: +${changed.secretKey}`));
  assert.equal(changed.keyEpoch, 2);
  assert.equal(changed.newKeyOnServer, true);
  const owner = { KEYPEARS_PASSWORD: NEW };
  await ok(laptop, ["add", "--title", "After the leak", "--password", "n3w"], owner);
  await ok(laptop, ["sync"], owner);

  // 1. The thief cannot sign in: not on a fresh device, not with its own, not even had it
  // learned the new password (the Secret Key is new too).
  fails(await run(thiefAgain, ["login", address], secretKey), /wrong password or Secret Key/);
  fails(
    await run(thiefAgain, ["login", address], { ...secretKey, KEYPEARS_PASSWORD: NEW }),
    /wrong password or Secret Key/,
  );
  fails(
    await run(thief, ["sync"], { KEYPEARS_NEW_PASSWORD: PASSWORD }),
    /refused that password with the Secret Key this device holds/,
  );

  await withOpened(thief, PASSWORD, async (vault) => {
    // 2. Its old session is dead.
    const own = await thiefSync(vault, oldSession);
    assert.equal(own.ok ? "synced" : own.error.kind, "unauthorized");

    // 3. A copy of everything the server holds (served here through the owner's session, as a
    // server that ignores every revocation would): the log, the salt, the wrapped keys.
    const ownerToken = await withOpened(laptop, NEW, async (v) => loadSession(v)?.token);
    assert.ok(ownerToken !== undefined);
    const account = await createServerClient(endpoint.apiUrl, () => ownerToken).accounts.get();
    const wrapped = account.vaults.find((v) => v.vaultId === vault.vaultId)?.wrappedVaultKey;
    assert.ok(wrapped !== undefined);
    const oldKey = parseSecretKey(init.secretKey);
    assert.ok(oldKey.ok);
    for (const password of [PASSWORD, NEW]) {
      const opened = await openWrappedEpochKeys({
        address: vault.address,
        password,
        secretKey: oldKey.value,
        salt: base64UrlToBytes(account.salt),
        kdf: account.kdf as KdfParams,
        vaultId: vault.vaultId,
        wrappedVaultKey: base64UrlToBytes(wrapped),
        deps: defaultVaultDeps,
      });
      assert.equal(
        opened.ok,
        false,
        "the server's wrapped keys do not open with the old Secret Key",
      );
    }
    const copied = await thiefSync(vault, ownerToken);
    assert.ok(copied.ok, JSON.stringify(copied));
    const head = await createServerClient(endpoint.apiUrl, () => ownerToken).vaults.head({
      vaultId: vault.vaultId,
    });
    assert.equal(
      vault.sync.verified().position,
      head.position,
      "it received every event, those written after its revocation too",
    );
    assert.deepEqual(vault.sync.keyEpochs().known, [0], "it never holds a later epoch's key");
    assert.deepEqual(
      vault
        .list()
        .map((i) => i.title)
        .sort(),
      ["Bank"],
      "nothing written after the revocation opens",
    );
    assert.equal(vault.get("After the leak").ok, false);

    // 4. It cannot push: not with its old session, not through another device's session.
    assert.ok(vault.add({ fields: { title: "Planted by the thief" } }).ok);
    const pushed = await thiefSync(vault, oldSession);
    assert.equal(pushed.ok, false);
    const smuggled = await thiefSync(vault, ownerToken);
    assert.equal(smuggled.ok && smuggled.value.pushed > 0, false, "the server refuses its signer");
  });
  await ok(laptop, ["sync"], owner);
  assert.deepEqual(await titles(laptop, owner), ["After the leak", "After the revoke", "Bank"]);

  // The stowaway, never revoked: it cannot sign in with what it knows, its session is dead, and
  // nothing the server holds opens what was written after the leak.
  fails(
    await run(stowaway, ["sync"], { KEYPEARS_NEW_PASSWORD: NEW }),
    /refused that password with the Secret Key this device holds/,
  );
  const ownerToken = await withOpened(laptop, NEW, async (vault) => {
    const token = loadSession(vault)?.token;
    assert.ok(token !== undefined);
    // The server holds a snapshot made after the leak too (the CLI makes one every 1,000 events).
    const snapshot = vault.sync.exportSnapshot();
    assert.ok(snapshot.ok, JSON.stringify(snapshot));
    await createServerClient(endpoint.apiUrl, () => token).snapshots.put({
      vaultId: vault.vaultId,
      position: snapshot.value.position,
      chainHash: bytesToBase64Url(snapshot.value.chainHash),
      payload: bytesToBase64Url(snapshot.value.payload),
    });
    return token;
  });
  await withOpened(stowaway, PASSWORD, async (vault) => {
    const own = await thiefSync(vault, stowawaySession);
    assert.equal(own.ok ? "synced" : own.error.kind, "unauthorized");
    const server = createServerClient(endpoint.apiUrl, () => ownerToken);
    const copied = await thiefSync(vault, ownerToken);
    assert.ok(copied.ok, JSON.stringify(copied));
    assert.equal(
      vault.sync.verified().position,
      (await server.vaults.head({ vaultId: vault.vaultId })).position,
    );
    assert.deepEqual(
      vault.sync.keyEpochs().known,
      [0, 1],
      "it holds the revocation's epoch, not the leak's",
    );
    assert.deepEqual(
      vault
        .list()
        .map((i) => i.title)
        .sort(),
      ["After the revoke", "Bank"],
      "nothing written after the leak opens",
    );
    assert.equal(vault.get("After the leak").ok, false);
    assert.ok(
      vault.sync.quarantined().some((q) => q.reason === "unknown-epoch"),
      "the item after the leak is sealed under an epoch it lacks",
    );
    const latest = await server.snapshots.latest({ vaultId: vault.vaultId });
    const header = parseSignedSnapshot(base64UrlToBytes(latest.payload));
    assert.ok(header.ok);
    assert.equal(header.value.epoch, changed.keyEpoch, "the snapshot is sealed under that epoch");
    assert.ok(!vault.sync.keyEpochs().known.includes(header.value.epoch));
  });

  // An honest device: its sync says what it needs, and login with both brings it back.
  const told = await run(phone, ["sync"], { KEYPEARS_NEW_PASSWORD: NEW });
  fails(told, /changed on another device; enter the new one/);
  assert.match(told.stderr, /Secret Key was changed too.*keypears login/);
  await ok(phone, ["login", address], {
    KEYPEARS_PASSWORD: NEW,
    KEYPEARS_SECRET_KEY: changed.secretKey,
  });
  assert.deepEqual(await titles(phone, owner), ["After the leak", "After the revoke", "Bank"]);

  // Its next rotation is delivered to every enrolled device again: it revokes the stowaway, and
  // the laptop reads what the phone writes after (the laptop never signed in again).
  const again = parseJson(
    await ok(phone, ["devices", "revoke", stowed.deviceId, "--json"], owner),
  ) as { newKey: { epoch: number; published: boolean } };
  assert.deepEqual(again.newKey, { epoch: changed.keyEpoch + 1, published: true, problem: null });
  await ok(phone, ["add", "--title", "After the second revoke"], owner);
  await ok(phone, ["sync"], owner);
  await ok(laptop, ["sync"], owner);
  assert.deepEqual(await titles(laptop, owner), [
    "After the leak",
    "After the revoke",
    "After the second revoke",
    "Bank",
  ]);
});
