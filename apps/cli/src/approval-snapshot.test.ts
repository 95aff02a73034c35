/**
 * A device that starts from a snapshot (the server pruned the events before it, or the device
 * takes the shortcut) knows the account's approval setting (docs/PROTOCOL.md 16.6, 16.10) as a
 * device that read the whole log does: `keypears devices` shows it, and warns, as the other
 * device does, when the server stops enforcing it. CLI devices run in this process against a real
 * server over HTTP.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { bytesToBase64Url } from "@keypears/base";
import { createKeypearsClient } from "@keypears/api";
import type { RunningServer } from "@keypears/server";
import { loadSession } from "@keypears/sync-client";
import { unlockVault } from "@keypears/vault";
import { startLocalServer } from "./testing/local-server.ts";
import { inProcessCli } from "./testing/in-process-cli.ts";
import { createTempHome, PASSWORD, type TempHome } from "./testing/run-cli.ts";

let server: RunningServer;
let address: string;
let secretKey = "";
const laptop = createTempHome();
const phone = createTempHome();
before(async () => {
  server = await startLocalServer();
  address = `bob@${server.domain}`;
});
after(async () => {
  await server.close();
  for (const home of [laptop, phone]) home.remove();
});

const { ok, json } = inProcessCli(() => secretKey);

interface DevicesJson {
  readonly approval: {
    requiredInLog: boolean | null;
    setAt: number | null;
    requiredByServer: boolean | null;
  };
}

/** Works on a device's vault file in this process (as the sync client does), then locks it. */
const withVault = async <T>(home: TempHome, work: (vault: Vault) => Promise<T>): Promise<T> => {
  const unlocked = await unlockVault({ home: home.path, address, password: PASSWORD });
  assert.ok(unlocked.ok);
  try {
    return await work(unlocked.value);
  } finally {
    unlocked.value.lock();
  }
};
type Vault = Extract<Awaited<ReturnType<typeof unlockVault>>, { ok: true }>["value"];

test("a device that starts from a snapshot knows the approval setting, and warns when the server drops it", async () => {
  secretKey = (await json<{ secretKey: string }>(laptop, ["init", address])).secretKey;
  await ok(laptop, ["add", "--title", "Bank", "--password", "s3cret"]);
  await ok(laptop, ["devices", "require-approval", "on"]);
  await ok(laptop, ["sync"]);
  const onLaptop = await json<DevicesJson>(laptop, ["devices"]);
  assert.equal(onLaptop.approval.requiredInLog, true);

  // The server holds a snapshot after the setting (the CLI writes one every 1,000 events).
  const { snapshotAt, token } = await withVault(laptop, async (vault) => {
    const session = loadSession(vault);
    assert.ok(session !== undefined);
    const snapshot = vault.sync.exportSnapshot();
    assert.ok(snapshot.ok, JSON.stringify(snapshot));
    await createKeypearsClient(server.apiUrl, { token: session.token }).snapshots.put({
      vaultId: vault.vaultId,
      position: snapshot.value.position,
      chainHash: bytesToBase64Url(snapshot.value.chainHash),
      payload: bytesToBase64Url(snapshot.value.payload),
    });
    return { snapshotAt: snapshot.value.position, token: session.token };
  });
  assert.ok((onLaptop.approval.setAt ?? Infinity) <= snapshotAt);

  const joined = await json<{ deviceId: string; code: string }>(phone, [
    "login",
    address,
    "--device-name",
    "phone",
  ]);
  await ok(laptop, ["devices", "approve", joined.deviceId, "--code", joined.code]);
  await ok(phone, ["sync"]);
  await withVault(phone, async (vault) => {
    const held = await vault.sync.eventStore.readAfter(vault.vaultId, 0, 1000);
    assert.ok(
      held.every((e) => e.position > snapshotAt),
      "the phone started from the snapshot: it holds no event before it",
    );
    assert.deepEqual(
      vault.list().map((i) => i.title),
      ["Bank"],
    );
  });
  const onPhone = await json<DevicesJson>(phone, ["devices"]);
  assert.deepEqual(onPhone.approval, onLaptop.approval, "the same setting as the laptop's");
  assert.doesNotMatch((await ok(phone, ["devices"])).stdout, /WARNING/);

  // A server that quietly stops enforcing it is flagged by both devices alike.
  await createKeypearsClient(server.apiUrl, { token }).accounts.setApproval({ required: false });
  for (const home of [laptop, phone])
    assert.match(
      (await ok(home, ["devices"])).stdout,
      /WARNING: the server does not require approval, unlike the setting in the vault's log/,
    );
});
