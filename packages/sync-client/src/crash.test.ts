/**
 * Crashes in the middle of a sync: a client killed with SIGKILL between pushing and clearing its
 * outbox, and a server restarted in the middle of a sync. Afterwards: no duplicate, no loss.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { type RunningServer, startServer } from "@keypears/server";
import { unlockVault } from "@keypears/vault";
import { cheapDeps, expectOk } from "@keypears/vault/testing";
import { createSyncClient } from "./sync-client.ts";
import {
  closeDevices,
  createSyncedAccount,
  DOMAIN,
  endpointOf,
  PASSWORD,
  startSyncServer,
  type TestDevice,
} from "./testing/harness.ts";

const test = boundedTest();

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const runChildUntilStopped = async (
  device: TestDevice,
  address: string,
  serverUrl: string,
  stopAt: string,
) => {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "testing", "sync-child.ts"),
      device.home.path,
      address,
      serverUrl,
      PASSWORD,
      stopAt,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  child.stdout.setEncoding("utf8");
  const marker = await new Promise<string>((resolve) => {
    let out = "";
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("STOPPED") || out.includes("FINISHED")) resolve(out.trim());
    });
    child.on("exit", () => resolve(out.trim()));
  });
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  return marker;
};

for (const stopAt of ["after-push", "before-pull"] as const) {
  test(`a client killed with SIGKILL ${stopAt === "after-push" ? "right after its push was stored" : "after recording positions, before pulling"} neither duplicates nor loses an event`, async () => {
    const server = await startSyncServer();
    cleanups.push(() => server.close());
    const account = await createSyncedAccount(server);
    const device = account.first;
    cleanups.push(() => closeDevices(device));
    // Before a pull, the push must leave something to pull: another device's change placed
    // before it (a push answered with nothing but the device's own events after its checkpoint
    // is confirmed from that answer, with no pull and so no moment between the two).
    const between = stopAt === "before-pull";
    if (between) {
      await device.sync();
      const elsewhere = await account.join("elsewhere");
      cleanups.push(() => closeDevices(elsewhere));
      expectOk(elsewhere.vault.add({ fields: { title: "Elsewhere" } }));
      await elsewhere.sync();
    }
    for (let i = 0; i < 25; i++) expectOk(device.vault.add({ fields: { title: `Item ${i}` } }));
    device.vault.lock();

    assert.equal(
      await runChildUntilStopped(device, account.address, server.url, stopAt),
      "STOPPED",
    );

    const restarted = expectOk(
      await unlockVault({
        home: device.home.path,
        address: account.address,
        password: PASSWORD,
        deps: cheapDeps(),
      }),
    );
    const status = restarted.sync.status();
    assert.equal(status.pending, 0);
    // The 25 changes and the device's enrolment ahead of them (pushed already when `between`).
    assert.equal(
      stopAt === "after-push" ? status.sent : status.ordered,
      between ? 25 : 26,
      JSON.stringify(status),
    );
    const client = createSyncClient(restarted, await endpointOf(server));
    const report = expectOk(await client.syncOnce());
    // 25 changes, the batch event that signs them (docs/PROTOCOL.md 18.4) and, at position 1, the
    // device's enrolment (16.4); `between`: also the other device's enrolment, batch and change.
    const expected = 27 + (between ? 3 : 0);
    assert.equal(report.verified.position, expected, "the server holds each event exactly once");
    assert.equal(expectOk(await client.head()).position, expected);
    const after = restarted.sync.status();
    assert.deepEqual(
      [after.pending, after.sent, after.ordered, after.verifiedEvents],
      [0, 0, 0, 25],
    );
    assert.equal(restarted.list().length, between ? 26 : 25);
    const other = await account.join("other");
    cleanups.push(() => closeDevices(other));
    await other.sync();
    assert.equal(other.vault.list().length, between ? 26 : 25);
    restarted.lock();
  });
}

test("a server restarted in the middle of a sync: the sync fails cleanly, the next one completes, nothing is doubled or lost", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "keypears-restart-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const start = (port: number): Promise<RunningServer> =>
    startServer({
      domain: DOMAIN,
      port,
      database: { kind: "embedded", dataDir },
      log: () => {},
      shutdownGraceMs: 2000,
    });
  let server = await start(0);
  const port = server.port;
  const account = await createSyncedAccount(server);
  const device = account.first;
  cleanups.push(() => closeDevices(device));
  device.vault.transact(() => {
    for (let i = 0; i < 3000; i++) expectOk(device.vault.add({ fields: { title: `Item ${i}` } }));
  });

  let pushes = 0;
  let restarted: Promise<void> | undefined;
  const countingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    if (request.method === "POST" && request.url.includes("/events") && ++pushes === 1) {
      // The first batch is stored: restart the server while the client carries on.
      restarted = server.close().then(async () => {
        server = await start(port);
      });
    }
    return response;
  };
  const client = createSyncClient(device.vault, await endpointOf(server), {
    fetch: countingFetch,
    pushBatch: 500,
  });
  const first = await client.syncOnce();
  await restarted;
  cleanups.push(() => server.close());
  if (!first.ok) assert.equal(first.error.kind, "unreachable", JSON.stringify(first.error));
  const second = expectOk(await client.syncOnce());
  // The enrolment, 3,000 changes, and one batch event per request of at most 500 events: the
  // first request holds the enrolment, its batch and 498 changes, the next ones a batch and 499.
  // A request sent again after the restart sends the same batch event, which the server keeps once.
  assert.equal(second.verified.position, 1 + 3000 + 7, "nothing doubled or lost");
  assert.equal(device.vault.sync.status().verifiedEvents, 3000);
  const other = await account.join("other");
  cleanups.push(() => closeDevices(other));
  await other.sync();
  assert.equal(other.vault.list().length, 3000);
});
