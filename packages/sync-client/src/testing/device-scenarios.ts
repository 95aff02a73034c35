/**
 * Three devices of one account syncing through a real server over real HTTP. The same scenarios
 * run on the embedded database (`devices.test.ts`) and on Postgres (`devices.pg.test.ts`).
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import type { RunningServer } from "@keypears/server";
import type { Vault } from "@keypears/vault";
import { expectOk } from "@keypears/vault/testing";
import {
  closeDevices,
  createSyncedAccount,
  startSyncServer,
  type TestDatabase,
  type TestDevice,
} from "./harness.ts";

const test = boundedTest();

export interface ScenarioDatabase {
  readonly database: TestDatabase;
  readonly drop: () => Promise<void>;
}

export const describeDeviceScenarios = async (
  name: string,
  open: () => Promise<ScenarioDatabase>,
): Promise<void> =>
  describe(`three devices syncing (${name})`, () => {
    let server: RunningServer;
    let laptop: TestDevice;
    let phone: TestDevice;
    let tablet: TestDevice;
    let drop: () => Promise<void> = async () => {};

    before(async () => {
      const db = await open();
      drop = db.drop;
      server = await startSyncServer(db.database);
      const account = await createSyncedAccount(server, { name: "laptop" });
      laptop = account.first;
      phone = await account.join("phone");
      tablet = await account.join("tablet");
    });
    after(async () => {
      closeDevices(laptop, phone, tablet);
      await server.close();
      await drop();
    });

    const all = () => [laptop, phone, tablet];
    const field = (vault: Vault, ref: string, name: string) =>
      expectOk(vault.get(ref)).fields.find((f) => f.name === name)?.value;
    const everything = (vault: Vault) =>
      [...vault.list(), ...vault.list({ trash: true })].map((item) => ({
        id: item.id,
        status: item.status,
        fields: item.fields.map((f) => [f.name, f.value, f.conflict?.map((c) => c.value)]),
        conflicts: item.conflicts.map((c) => c.kind),
      }));
    const assertSameVaults = () => {
      const expected = everything(laptop.vault);
      for (const device of [phone, tablet])
        assert.deepEqual(everything(device.vault), expected, `${device.name} differs from laptop`);
    };

    test("offline edits on three devices, synced in different orders, give identical vaults", async () => {
      expectOk(laptop.vault.add({ fields: { title: "Bank", username: "alice", password: "b0" } }));
      expectOk(phone.vault.add({ type: "note", fields: { title: "Wifi", notes: "hall" } }));
      expectOk(tablet.vault.add({ fields: { title: "Mail", password: "m0" } }));
      for (const device of [tablet, laptop, phone, tablet, laptop]) await device.sync();
      assertSameVaults();
      assert.deepEqual(
        laptop.vault.list().map((i) => i.title),
        ["Bank", "Mail", "Wifi"],
      );

      expectOk(laptop.vault.edit("Mail", { username: "alice@mail" }));
      expectOk(phone.vault.edit("Bank", { urls: ["https://bank.example"] }));
      expectOk(tablet.vault.trash("Wifi"));
      for (const device of [phone, tablet, laptop, phone, tablet]) await device.sync();
      assertSameVaults();
      for (const device of all()) {
        assert.equal(device.vault.sync.status().pending, 0);
        assert.equal(device.vault.sync.promised().length, 0);
      }
    });

    test("two devices editing different fields of one item offline keep both edits", async () => {
      expectOk(laptop.vault.edit("Bank", { password: "from-laptop" }));
      expectOk(phone.vault.edit("Bank", { totp: "JBSWY3DPEHPK3PXP" }));
      await laptop.sync();
      await phone.sync();
      for (const device of all()) await device.sync();
      for (const device of all()) {
        assert.equal(field(device.vault, "Bank", "password"), "from-laptop");
        assert.equal(field(device.vault, "Bank", "totp"), "JBSWY3DPEHPK3PXP");
        assert.deepEqual(device.vault.conflicts(), []);
      }
    });

    test("two devices editing the same field show the same conflict everywhere, resolved on one for all", async () => {
      expectOk(laptop.vault.edit("Mail", { password: "laptop-m" }));
      expectOk(tablet.vault.edit("Mail", { password: "tablet-m" }));
      await tablet.sync();
      await laptop.sync();
      for (const device of all()) await device.sync();
      for (const device of all()) {
        const conflicts = device.vault.conflicts();
        assert.equal(conflicts.length, 1, device.name);
        assert.equal(conflicts[0]?.conflict.kind, "field");
      }
      assertSameVaults();
      expectOk(phone.vault.resolve("Mail", "password", { value: "agreed" }));
      await phone.sync();
      for (const device of all()) await device.sync();
      for (const device of all()) {
        assert.deepEqual(device.vault.conflicts(), []);
        assert.equal(field(device.vault, "Mail", "password"), "agreed");
      }
    });

    test("an edit concurrent with a delete is kept and flagged on every device", async () => {
      expectOk(phone.vault.trash("Bank"));
      expectOk(tablet.vault.edit("Bank", { notes: "edited while phone deleted it" }));
      await phone.sync();
      await tablet.sync();
      for (const device of all()) await device.sync();
      for (const device of all()) {
        const item = expectOk(device.vault.get("Bank"));
        assert.equal(item.status, "live");
        assert.deepEqual(
          item.conflicts.map((c) => c.kind),
          ["edit-delete"],
        );
      }
      assertSameVaults();
    });

    test("every value ever written appears in history on every device", async () => {
      const values = (device: TestDevice) =>
        expectOk(device.vault.history("Mail", "password")).fields[0]?.entries.map((e) => [
          e.value,
          e.device,
          e.current,
        ]);
      assert.deepEqual(
        new Set(values(laptop)?.map((v) => v[0])),
        new Set(["m0", "laptop-m", "tablet-m", "agreed"]),
      );
      for (const device of [phone, tablet]) assert.deepEqual(values(device), values(laptop));
    });
  });
