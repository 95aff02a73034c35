/**
 * Device approval (docs/PROTOCOL.md 16.10) as a user meets it, with two (then more) CLI devices
 * against a real server: `devices require-approval on`, a new device that signs in and waits
 * with a code, `devices approve ID --code` on the existing device (a wrong code changes nothing),
 * new-device notices shown once, and the recovery kit letting a device in when no other is left,
 * which later devices see as enrolled with the recovery kit.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createKeypearsClient } from "@keypears/api";
import type { RunningServer } from "@keypears/server";
import { startLocalServer } from "./testing/local-server.ts";
import { inProcessCli } from "./testing/in-process-cli.ts";
import { createTempHome, PASSWORD, type TempHome } from "./testing/run-cli.ts";
import { loadSession } from "@keypears/sync-client";
import { unlockVault } from "@keypears/vault";

let server: RunningServer;
let address: string;
let secretKey = "";
const laptop = createTempHome();
const phone = createTempHome();
const tablet = createTempHome();
const desk = createTempHome();
before(async () => {
  server = await startLocalServer();
  address = `alice@${server.domain}`;
});
after(async () => {
  await server.close();
  for (const home of [laptop, phone, tablet, desk]) home.remove();
});

const { run, ok, json } = inProcessCli(() => secretKey);

interface DevicesJson {
  readonly devices: readonly {
    id: string;
    name: string;
    approval: string;
    code: string | null;
    revoked: boolean;
    roster: { via: string; approvedBy: string | null } | null;
  }[];
  readonly notices: readonly string[];
  readonly approval: { requiredInLog: boolean; requiredByServer: boolean | null };
}
interface LoginJson {
  readonly deviceId: string;
  readonly approval?: string;
  readonly code?: string;
}

const titles = async (home: TempHome) =>
  (await json<{ title: string }[]>(home, ["list"])).map((item) => item.title);

test("a new device waits until an existing one approves it, after comparing the code", async () => {
  secretKey = (await json<{ secretKey: string }>(laptop, ["init", address])).secretKey;
  await ok(laptop, ["add", "--title", "Bank", "--password", "s3cret"]);
  await ok(laptop, ["sync"]);
  const turnedOn = await ok(laptop, ["devices", "require-approval", "on"]);
  assert.match(turnedOn.stdout, /must be approved on an existing one/);

  const joined = await json<LoginJson>(phone, ["login", address, "--device-name", "phone"]);
  assert.equal(joined.approval, "pending");
  assert.match(joined.code ?? "", /^\d{3}-\d{3}$/);
  const shown = await ok(phone, ["status"]);
  assert.match(shown.stdout, new RegExp(`waits for approval.*--code ${joined.code}`));
  const refused = await run(phone, ["sync"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /waits for approval/);
  assert.deepEqual(await titles(phone), [], "a pending device reads nothing");

  const listed = await json<DevicesJson>(laptop, ["devices"]);
  const pending = listed.devices.find((d) => d.id === joined.deviceId);
  assert.equal(pending?.approval, "pending");
  assert.equal(pending?.code, joined.code, "both devices show the same code");
  // The log: init's enrolment, a batch event and its sharing identity, a batch event and the
  // item (each push's changes follow the batch event that signs them), then the setting.
  assert.deepEqual(listed.approval, { requiredInLog: true, setAt: 6, requiredByServer: true });

  const wrong = joined.code === "000-000" ? "000-001" : "000-000";
  const mismatch = await run(laptop, ["devices", "approve", joined.deviceId, "--code", wrong]);
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /the codes differ.*Nothing was changed/);
  assert.equal((await run(phone, ["sync"])).code, 1, "still waiting");

  const approved = await ok(laptop, [
    "devices",
    "approve",
    joined.deviceId.slice(0, 8),
    "--code",
    joined.code ?? "",
  ]);
  assert.match(approved.stdout, /Approved device .* its enrolment is signed into the vault's log/);
  await ok(phone, ["sync"]);
  assert.deepEqual(await titles(phone), ["Bank"]);
  await ok(phone, ["add", "--title", "From the phone"]);
  await ok(phone, ["sync"]);
  await ok(laptop, ["sync"]);
  assert.deepEqual((await titles(laptop)).sort(), ["Bank", "From the phone"]);

  const onPhone = await json<DevicesJson>(phone, ["devices"]);
  const laptopId = onPhone.devices.find((d) => d.id !== joined.deviceId)?.id ?? "";
  const phoneRow = onPhone.devices.find((d) => d.id === joined.deviceId);
  assert.deepEqual(phoneRow?.roster?.via, "approved");
  assert.equal(phoneRow?.roster?.approvedBy, laptopId);
  assert.equal(onPhone.approval.requiredInLog, true, "the phone learned the setting from the log");
});

test("new-device notices show each enrolment once, with name, time and server", async () => {
  // The laptop approved the phone: its enrolment is news to the laptop once.
  const first = await ok(laptop, ["status"]);
  assert.match(
    first.stdout,
    new RegExp(`new device phone signed in at .* from http://localhost:\\d+ \\(approved by`),
  );
  const again = await ok(laptop, ["status"]);
  assert.doesNotMatch(again.stdout, /new device phone/);
  const devices = await json<DevicesJson>(laptop, ["devices"]);
  assert.deepEqual(devices.notices, []);
});

test("with no other device left, the recovery kit lets a device in, and later devices see it", async () => {
  const onPhone = await json<DevicesJson>(phone, ["devices"]);
  const phoneId = onPhone.devices.find((d) => d.name === "phone")?.id ?? "";
  const laptopId = onPhone.devices.find((d) => d.id !== phoneId)?.id ?? "";
  await ok(phone, ["devices", "revoke", laptopId]);
  await ok(phone, ["sync"]);
  // The phone is lost too: its own session revokes it (as another tool could).
  const phoneVault = await unlockVault({ home: phone.path, address, password: PASSWORD });
  assert.ok(phoneVault.ok);
  const token = loadSession(phoneVault.value)?.token ?? "";
  phoneVault.value.lock();
  await createKeypearsClient(server.apiUrl, { token }).devices.revoke({ deviceId: phoneId });

  const recovered = await json<LoginJson & { sync: unknown }>(tablet, [
    "login",
    address,
    "--device-name",
    "tablet",
  ]);
  assert.equal(recovered.approval, undefined, "not pending: no other device was left");
  assert.deepEqual((await titles(tablet)).sort(), ["Bank", "From the phone"]);
  await ok(tablet, ["sync"]);

  const later = await json<LoginJson>(desk, ["login", address, "--device-name", "desk"]);
  assert.equal(later.approval, "pending", "the tablet is there to approve the next one");
  await ok(tablet, ["devices", "approve", later.deviceId, "--code", later.code ?? ""]);
  await ok(desk, ["sync"]);
  const onDesk = await ok(desk, ["devices"]);
  assert.match(onDesk.stdout, /recovery kit/);
  const rows = (await json<DevicesJson>(desk, ["devices"])).devices;
  assert.equal(rows.find((d) => d.name === "tablet")?.roster?.via, "recovery kit");
  assert.equal(rows.find((d) => d.name === "tablet")?.approval, "recovery");
});
