/**
 * A master password changed on device A, as device B meets it (issue 16), with CLI devices against
 * a real server: B's next `sync` sees its ended session and the new salt, asks for the new
 * password, signs in again as the same device with the Secret Key it holds (never typed again),
 * and re-protects its vault file, after which the old password no longer opens it. A wrong new
 * password is a clear error and changes nothing; `sync --watch` follows a change made while it runs.
 */

import assert from "node:assert/strict";
import { after, before } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import type { RunningServer } from "@keypears/server";
import { unlockVault } from "@keypears/vault";
import { main } from "./main.ts";
import { startLocalServer } from "./testing/local-server.ts";
import { inProcessCli } from "./testing/in-process-cli.ts";
import { createMemoryIo } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, type TempHome } from "./testing/run-cli.ts";

const test = boundedTest();
const NEW = "a longer and newer master password";
const NEWEST = "the newest master password of all";
const THIRD = "a third master password, changed live";

/** Waits for `done` (checked every 200 ms); the test's own bound stops a wait that never ends. */
const until = async (done: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; !(await done()); i++) {
    if (i > 1500) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

let server: RunningServer;
let address: string;
let secretKey = "";
const laptop = createTempHome();
const phone = createTempHome();
before(async () => {
  server = await startLocalServer();
  address = `alice@${server.domain}`;
});
after(async () => {
  await server.close();
  for (const home of [laptop, phone]) home.remove();
});

const { run, ok } = inProcessCli(() => secretKey);
const titles = async (home: TempHome, password: string) =>
  (
    JSON.parse((await ok(home, ["list", "--json"], { KEYPEARS_PASSWORD: password })).stdout) as {
      title: string;
    }[]
  )
    .map((item) => item.title)
    .sort();
const opens = async (home: TempHome, password: string): Promise<boolean> => {
  const unlocked = await unlockVault({ home: home.path, address, password });
  if (unlocked.ok) unlocked.value.lock();
  return unlocked.ok;
};
const deviceIds = async (home: TempHome, password: string) =>
  (
    JSON.parse((await ok(home, ["devices", "--json"], { KEYPEARS_PASSWORD: password })).stdout) as {
      devices: { id: string }[];
    }
  ).devices
    .map((d) => d.id)
    .sort();

test("after passwd on the laptop, the phone's next sync asks for the new password and continues", async () => {
  secretKey = (
    JSON.parse((await ok(laptop, ["init", address, "--json"])).stdout) as { secretKey: string }
  ).secretKey;
  await ok(laptop, ["add", "--title", "Bank", "--password", "s3cret"]);
  await ok(laptop, ["sync"]);
  await ok(phone, ["login", address, "--device-name", "phone"]);
  const before = await deviceIds(phone, PASSWORD);
  assert.equal(before.length, 2);

  await ok(laptop, ["passwd"], { KEYPEARS_NEW_PASSWORD: NEW });
  await ok(laptop, ["add", "--title", "After passwd"], { KEYPEARS_PASSWORD: NEW });
  await ok(laptop, ["sync"], { KEYPEARS_PASSWORD: NEW });

  // Without the new password at hand, the phone says what happened and what it needs.
  const noSource = await run(phone, ["sync"]);
  assert.equal(noSource.code, 1);
  assert.match(
    noSource.stderr,
    new RegExp(`master password of ${address} was changed on another device; enter the new one`),
  );
  assert.match(noSource.stderr, /KEYPEARS_NEW_PASSWORD/);

  // A wrong new password: a clear error, and nothing changes (the old password still opens it).
  const wrong = await run(phone, ["sync"], {
    KEYPEARS_NEW_PASSWORD: "not the new password at all",
  });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /refused that password.*nothing was changed/);
  assert.doesNotMatch(wrong.stderr, /key material/);
  assert.equal(await opens(phone, PASSWORD), true, "the wrong password changed nothing");
  assert.equal(await opens(phone, NEW), false);

  // The new password where the old one is asked: refused, with what to do.
  const early = await run(phone, ["sync"], { KEYPEARS_PASSWORD: NEW });
  assert.equal(early.code, 1);
  assert.match(early.stderr, /give the one this device last used: sync then asks for the new one/);

  // The new password: signed in again, the Secret Key never typed (none is given here).
  const followed = await run(phone, ["sync"], {
    KEYPEARS_NEW_PASSWORD: NEW,
    KEYPEARS_SECRET_KEY: "",
  });
  assert.equal(followed.code, 0, followed.stderr);
  assert.match(followed.stderr, /was changed on another device; enter the new one/);
  assert.match(followed.stderr, /only the new password opens it on this device/);
  assert.match(followed.stdout, /Synced .*received 1 change/);
  assert.equal(
    await opens(phone, PASSWORD),
    false,
    "the old password no longer opens the phone's vault",
  );
  assert.equal(await opens(phone, NEW), true);
  assert.deepEqual(await titles(phone, NEW), ["After passwd", "Bank"]);
  assert.deepEqual(await deviceIds(phone, NEW), before, "the same device, no new enrolment");

  // And it keeps syncing both ways under the new password.
  await ok(phone, ["add", "--title", "From the phone"], { KEYPEARS_PASSWORD: NEW });
  await ok(phone, ["sync"], { KEYPEARS_PASSWORD: NEW });
  await ok(laptop, ["sync"], { KEYPEARS_PASSWORD: NEW });
  assert.deepEqual(await titles(laptop, NEW), ["After passwd", "Bank", "From the phone"]);
});

test("--password-stdin gives the current password on line 1 and the changed one on line 2", async () => {
  await ok(laptop, ["passwd"], { KEYPEARS_PASSWORD: NEW, KEYPEARS_NEW_PASSWORD: NEWEST });
  const io = createMemoryIo({
    env: { KEYPEARS_HOME: phone.path },
    stdin: `${NEW}\n${NEWEST}\n`,
  });
  const code = await main(["sync", "--password-stdin"], { io });
  assert.equal(code, 0, io.err());
  assert.equal(await opens(phone, NEWEST), true);
  assert.equal(await opens(phone, NEW), false);
});

test("sync --watch follows a password changed while it runs, and watches on", async () => {
  const io = createMemoryIo({
    env: {
      KEYPEARS_HOME: phone.path,
      KEYPEARS_PASSWORD: NEWEST,
      KEYPEARS_NEW_PASSWORD: THIRD,
    },
  });
  const watching = main(["sync", "--watch"], { io });
  try {
    await until(() => /Watching /.test(io.err()), "the watch to start");
    await ok(laptop, ["passwd"], { KEYPEARS_PASSWORD: NEWEST, KEYPEARS_NEW_PASSWORD: THIRD });
    await until(() => /only the new password opens it/.test(io.err()), "the follow");
    await ok(laptop, ["add", "--title", "Seen live"], { KEYPEARS_PASSWORD: THIRD });
    await ok(laptop, ["sync"], { KEYPEARS_PASSWORD: THIRD });
    await until(async () => (await titles(phone, THIRD)).includes("Seen live"), "the live edit");
  } finally {
    io.interrupt();
  }
  assert.equal(await watching, 0, io.err());
  assert.match(io.err(), /was changed on another device; enter the new one/);
  assert.equal(await opens(phone, NEWEST), false);
});

test("an ended session with an unchanged password says so, not that the password changed", async () => {
  const laptopList = JSON.parse(
    (await ok(laptop, ["devices", "--json"], { KEYPEARS_PASSWORD: THIRD })).stdout,
  ) as { devices: { id: string; current: boolean }[] };
  const other = laptopList.devices.find((d) => !d.current);
  assert.ok(other !== undefined);
  await ok(laptop, ["devices", "revoke", other.id], { KEYPEARS_PASSWORD: THIRD });
  const refused = await run(phone, ["sync"], { KEYPEARS_PASSWORD: THIRD });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /password of .* is unchanged: the session expired, or this device was revoked/,
  );
  assert.doesNotMatch(refused.stderr, /changed on another device/);
});
