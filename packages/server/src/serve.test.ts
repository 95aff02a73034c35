import { createKeypearsClient } from "@keypears/api";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedIt } from "@keypears/base/testing";
import { after, describe } from "node:test";
import { runServe } from "./serve.ts";
import { isRunning, spawnServe, type SpawnedServer } from "./testing/spawn-server.ts";
import { b64Random, newDeviceId, newVaultId, TEST_KDF } from "./testing/test-server.ts";

const it = boundedIt();

const home = mkdtempSync(join(tmpdir(), "keypears-home-"));
const dataDir = join(home, "server");
const lockFile = join(dataDir, "server.lock");
const env = { KEYPEARS_HOME: home, KEYPEARS_DATABASE_URL: "", DATABASE_URL: "" };
const args = ["--port", "0", "--domain", "example.test"];
const running: SpawnedServer[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.stop("SIGKILL")));
  rmSync(home, { recursive: true, force: true });
});

const start = async (): Promise<SpawnedServer> => {
  const server = await spawnServe(args, env);
  assert.ok(isRunning(server), `the server did not start: ${JSON.stringify(server)}`);
  running.push(server);
  return server;
};

const account = {
  address: "alice@example.test",
  authSecret: b64Random(32),
  vaultId: newVaultId(),
};

describe("keypears serve on the embedded database", () => {
  let first: SpawnedServer;

  it("starts with no setup in $KEYPEARS_HOME/server, holding a lock with its pid", async () => {
    first = await start();
    assert.ok(
      existsSync(join(dataDir, "pgdata", "PG_VERSION")),
      "PGlite's files are in the data directory",
    );
    assert.equal(readFileSync(lockFile, "utf8").trim(), String(first.child.pid));
    await createKeypearsClient(first.apiUrl).accounts.register({
      address: account.address,
      authSecret: account.authSecret,
      kdf: TEST_KDF,
      salt: b64Random(16),
      device: { id: newDeviceId(), name: "laptop" },
      vault: { vaultId: account.vaultId, wrappedVaultKey: b64Random(72) },
    });
  });

  it("refuses to open a data directory another process holds, naming the process and the lock", async () => {
    const second = await spawnServe(args, env);
    assert.ok(!isRunning(second), "the second process must not start");
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`in use by process ${first.child.pid}`));
    assert.ok(second.stderr.includes(lockFile), second.stderr);
    const health = await fetch(`${first.apiUrl}/health`);
    assert.equal(health.status, 200, "the first process is unharmed");
  });

  it("stops cleanly on SIGTERM, releases the lock, and keeps its data for the next start", async () => {
    assert.equal(await first.stop("SIGTERM"), 0);
    assert.equal(existsSync(lockFile), false);
    const again = await start();
    const session = await createKeypearsClient(again.apiUrl).accounts.login({
      address: account.address,
      authSecret: account.authSecret,
      device: { id: newDeviceId(), name: "phone" },
    });
    assert.deepEqual(
      session.account.vaults.map((v) => v.vaultId),
      [account.vaultId],
    );
    // Killed without a chance to clean up: the lock stays behind, naming a dead process.
    await again.stop("SIGKILL");
    assert.ok(existsSync(lockFile));
  });

  it("takes over the lock of a process that died, and recovers its database", async () => {
    const next = await start();
    assert.equal(readFileSync(lockFile, "utf8").trim(), String(next.child.pid));
    const session = await createKeypearsClient(next.apiUrl).accounts.login({
      address: account.address,
      authSecret: account.authSecret,
      device: { id: newDeviceId(), name: "tablet" },
    });
    assert.equal(session.account.address, account.address);
    assert.equal(await next.stop("SIGINT"), 0);
  });
});

describe("keypears serve command line", () => {
  it("prints its usage for --help, and refuses bad options with the usage and exit code 2", async () => {
    let out = "";
    let errors = "";
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (errors += t), env: {} };
    assert.equal(await runServe(["--help"], io), 0);
    assert.match(out, /Usage: keypears serve/);
    assert.equal(await runServe(["--port", "seventy"], io), 2);
    assert.match(errors, /--port expects a number/);
    assert.equal(await runServe(["--domain", "localhost"], io), 2);
    assert.match(errors, /reserved for local-only accounts/);
    assert.equal(await runServe(["--bogus"], io), 2);
  });
});
