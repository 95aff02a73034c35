/**
 * `keypears sync` says when the server did not store this device's snapshot (here: a server whose
 * snapshot limit the vault is over), instead of going on silently while every new device replays
 * the whole history. The real CLI code and HTTP client, against a real server on a free port.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningServer } from "@keypears/server";
import { defaultVaultDeps, unlockVault } from "@keypears/vault";
import { main } from "./main.ts";
import { startLocalServer } from "./testing/local-server.ts";
import { createMemoryIo } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, shownCommand } from "./testing/run-cli.ts";

/** The sync client writes a snapshot once the verified log has grown by this many events. */
const SNAPSHOT_EVERY = 1000;

let server: RunningServer;
let address: string;
const laptop = createTempHome();
before(async () => {
  server = await startLocalServer({ maxSnapshotBytes: 1024 });
  address = `alice@${server.domain}`;
});
after(async () => {
  await server.close();
  laptop.remove();
});

const run = async (args: readonly string[]) => {
  const io = createMemoryIo({ env: { KEYPEARS_HOME: laptop.path, KEYPEARS_PASSWORD: PASSWORD } });
  const code = await main(args, { io });
  assert.equal(code, 0, `${shownCommand(args)}: ${io.err()}`);
  return { stdout: io.out(), stderr: io.err() };
};

test("sync warns when the server refuses this device's snapshot, and the sync itself succeeds", async () => {
  await run(["init", address, "--json"]);
  const vault = await unlockVault({
    home: laptop.path,
    address,
    password: PASSWORD,
    deps: defaultVaultDeps,
  });
  assert.ok(vault.ok);
  vault.value.transact(() => {
    for (let i = 0; i < SNAPSHOT_EVERY; i++)
      assert.ok(vault.value.add({ fields: { title: `Item ${i}` } }).ok);
  });
  vault.value.lock();

  const synced = await run(["sync"]);
  assert.match(synced.stdout, /^Synced alice@localhost:\d+: sent 1,?000 changes/);
  assert.match(
    synced.stderr,
    /^warning: this device's snapshot was not stored on the server \(the server refused the request: The snapshot is \d+ bytes; the limit is 1024\.\); new devices will replay the whole history\n$/,
  );

  const again = await run(["sync", "--json"]);
  assert.equal(again.stderr, "", "not tried again until the log has grown as much again");
  assert.equal(JSON.parse(again.stdout).snapshotNotice, undefined);
});
