/**
 * The disaster-recovery scenario, for each database: a server's data is backed up, two devices
 * sync more events, the backup is restored, and the devices put back every event the server lost
 * (nothing lost, the chain intact, a new device sees everything).
 */

import assert from "node:assert/strict";
import { bytesEqual } from "@keypears/base";
import type { RunningServer } from "@keypears/server";
import { expectOk } from "@keypears/vault/testing";
import { closeDevices, createSyncedAccount } from "./harness.ts";

export interface RestorableServer {
  /** Starts the server on the given port (0: any), on the current data. */
  readonly start: (port: number) => Promise<RunningServer>;
  /** Copies the (stopped) server's data aside. */
  readonly backup: () => Promise<void>;
  /** Replaces the (stopped) server's data with the copy. */
  readonly restore: () => Promise<void>;
}

const titles = (vault: { list: () => readonly { title: string }[] }) =>
  vault
    .list()
    .map((item) => item.title)
    .sort();

export const runDisasterRecovery = async (backend: RestorableServer): Promise<void> => {
  let server = await backend.start(0);
  const port = server.port;
  const account = await createSyncedAccount(server, { name: "laptop" });
  const laptop = account.first;
  const phone = await account.join("phone");
  try {
    for (const title of ["A1", "A2", "A3"]) expectOk(laptop.vault.add({ fields: { title } }));
    await laptop.sync();
    await phone.sync();

    await server.close();
    await backend.backup();
    server = await backend.start(port);
    for (const title of ["L1", "L2"]) expectOk(laptop.vault.add({ fields: { title } }));
    await laptop.sync();
    expectOk(phone.vault.add({ fields: { title: "P1" } }));
    await phone.sync();
    await laptop.sync();
    const before = laptop.vault.sync.verified();
    // Each device's enrolment in the roster is an event too (docs/PROTOCOL.md 16.4), and so is
    // the batch event ahead of each push's changes (18.4).
    assert.equal(before.position, 11, "two enrolments, six items and three batch events");

    // The server comes back from last night's backup: it has lost five events (L1, L2, P1 and
    // the batch events of their pushes).
    await server.close();
    await backend.restore();
    server = await backend.start(port);
    const lost = await server.sql.query("SELECT count(*) AS n FROM events");
    assert.equal(
      Number(lost[0]?.n),
      6,
      "the backup holds the first six events: both enrolments, A1, A2, A3 and their batch event",
    );

    await laptop.sync();
    await phone.sync();
    const all = ["A1", "A2", "A3", "L1", "L2", "P1"];
    assert.deepEqual(titles(laptop.vault), all);
    assert.deepEqual(titles(phone.vault), all);
    for (const device of [laptop, phone]) {
      const verified = device.vault.sync.verified();
      assert.equal(verified.position, before.position);
      assert.ok(bytesEqual(verified.hash, before.hash), "the chain is the one verified before");
    }
    // Every device continues: a new edit syncs, and a new device sees every event.
    expectOk(phone.vault.add({ fields: { title: "P2" } }));
    await phone.sync();
    await laptop.sync();
    assert.deepEqual(titles(laptop.vault), [...all, "P2"]);
    const tablet = await account.join("tablet");
    try {
      await tablet.sync();
      assert.deepEqual(titles(tablet.vault), [...all, "P2"]);
    } finally {
      closeDevices(tablet);
    }
  } finally {
    closeDevices(laptop, phone);
    await server.close();
  }
};
