/**
 * The synced commands (init/login/sync/status/conflicts/resolve/devices/passwd) run in-process
 * against an in-memory stand-in server through the `SyncServices` seam: two devices, concurrent
 * edits, a server that goes down. The real client and server are tested in their own packages.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { main } from "./main.ts";
import { createMemoryIo, type MemoryIoOptions } from "./testing/memory-io.ts";
import { createMemoryServer } from "./testing/memory-server.ts";
import { createTempHome, PASSWORD, shownCommand } from "./testing/run-cli.ts";

const test = boundedTest();

const server = createMemoryServer();
const laptop = createTempHome();
const phone = createTempHome();
after(() => {
  laptop.remove();
  phone.remove();
});

const run = async (
  home: string,
  args: readonly string[],
  options: MemoryIoOptions & { password?: string } = {},
) => {
  const io = createMemoryIo({
    ...options,
    env: { KEYPEARS_HOME: home, KEYPEARS_PASSWORD: options.password ?? PASSWORD, ...options.env },
  });
  const code = await main(args, { io, syncServices: async () => server.services });
  return { code, stdout: io.out(), stderr: io.err() };
};
const ok = async (home: string, args: readonly string[], options?: Parameters<typeof run>[2]) => {
  const result = await run(home, args, options);
  assert.equal(result.code, 0, `${shownCommand(args)}: ${result.stderr}`);
  return result;
};
const json = async (home: string, args: readonly string[], options?: Parameters<typeof run>[2]) =>
  JSON.parse((await ok(home, [...args, "--json"], options)).stdout) as Record<string, unknown>;

let secretKey = "";

test("init of a synced address registers it on its server", async () => {
  const created = await json(laptop.path, ["init", "dana@example.com", "--device-name", "laptop"]);
  assert.equal(created["serverUrl"], "https://example.com");
  assert.equal(created["localOnly"], false);
  secretKey = created["secretKey"] as string;
  assert.ok(server.accounts.has("dana@example.com"));

  const taken = createTempHome();
  try {
    const again = await run(taken.path, ["init", "dana@example.com"]);
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr,
      "keypears: the address dana@example.com is taken; no account was created\n",
    );
    assert.deepEqual(JSON.parse((await ok(taken.path, ["accounts", "--json"])).stdout), []);
  } finally {
    taken.remove();
  }
});

test("status and sync: pending changes are sent, ordered and verified", async () => {
  await ok(laptop.path, ["add", "--title", "Shared", "--username", "dana", "--password", "p0"]);
  const before = await json(laptop.path, ["status"]);
  assert.deepEqual(before["changes"], {
    pending: 1,
    sent: 0,
    ordered: 0,
    rejected: 0,
    verified: 0,
  });
  assert.equal(before["lastSyncAt"], null);
  assert.deepEqual(before["remote"], { headPosition: 0, behind: 0 });

  const synced = await ok(laptop.path, ["sync"]);
  assert.match(
    synced.stdout,
    // Position 1 is this device's enrolment in the vault's roster (docs/PROTOCOL.md 16.4), 2 the
    // batch event that signs the change (18.4).
    /^Synced dana@example\.com: sent 1 change, received 0 changes, verified up to position 3\.\n$/,
  );
  const after = await json(laptop.path, ["status"]);
  assert.deepEqual(after["changes"], { pending: 0, sent: 0, ordered: 0, rejected: 0, verified: 1 });
  assert.equal((after["verified"] as { position: number }).position, 3);
  assert.deepEqual(
    (after["roster"] as { enrolledAt: number; via: string }[]).map((e) => [e.enrolledAt, e.via]),
    [[1, "recovery kit"]],
  );
  assert.match(after["lastSyncAt"] as string, /^\d{4}-\d\d-\d\dT/);
  const human = await ok(laptop.path, ["status"]);
  assert.match(human.stdout, /Verified +up to position 3 \(chain [0-9a-f]{16}\)/);
  assert.match(human.stdout, /Devices +1 device in the log: /);
  assert.match(human.stdout, /Fingerprint +[A-Z2-7]{5}-[A-Z2-7]{5} at position 3/);
  assert.match(human.stdout, /Remote +up to date/);
});

test("login adds the account to a second device and downloads it", async () => {
  const wrong = await run(phone.path, ["login", "dana@example.com"], {
    password: "not the password",
    env: { KEYPEARS_SECRET_KEY: secretKey },
  });
  assert.equal(wrong.code, 1);
  assert.equal(wrong.stderr, "keypears: wrong password or Secret Key; nothing was changed\n");
  // The Secret Key is never a flag (argv is readable by every user); standard input gives it.
  const flag = await run(phone.path, ["login", "dana@example.com", "--secret-key", secretKey]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown option --secret-key/);
  const badKey = await run(phone.path, ["login", "dana@example.com"], { stdin: "K1-NOPE\n" });
  assert.equal(badKey.code, 1);
  assert.match(badKey.stderr, /not a valid Secret Key/);

  const joined = await json(phone.path, ["login", "dana@example.com", "--device-name", "phone"], {
    stdin: `${secretKey}\n`,
  });
  assert.deepEqual(Object.keys(joined).sort(), [
    "address",
    "deviceId",
    "serverUrl",
    "signedInAgain",
    "sync",
    "vaultId",
  ]);
  assert.equal(joined["signedInAgain"], false);
  assert.deepEqual((joined["sync"] as { pulled: number }).pulled, 1);
  assert.equal((await ok(phone.path, ["get", "Shared", "--field", "password"])).stdout, "p0\n");
});

test("concurrent edits of one field become a conflict, listed with numbers and resolved by --pick", async () => {
  await ok(laptop.path, ["edit", "Shared", "--username", "from-laptop"]);
  await ok(phone.path, [
    "edit",
    "Shared",
    "--username",
    "from-phone",
    "--password",
    "phone-secret",
  ]);
  await ok(laptop.path, ["sync"]);
  await ok(phone.path, ["sync"]);
  const synced = await ok(laptop.path, ["sync"]);
  assert.match(synced.stdout, /1 conflict to settle: see `keypears conflicts`/);

  const listed = await ok(laptop.path, ["conflicts"]);
  assert.match(
    listed.stdout,
    /^Shared \([0-9a-f-]+\): username was changed on two devices at once\n/,
  );
  assert.match(
    listed.stdout,
    /\n {2}1 {2}from-(laptop|phone) {2}.*\(shown now\)\n {2}2 {2}from-(laptop|phone) {2}/,
  );
  assert.match(listed.stdout, /settle: keypears resolve [0-9a-f-]+ --field username --pick <n>/);
  const conflicts = JSON.parse((await ok(laptop.path, ["conflicts", "--json"])).stdout) as {
    field: string;
    kind: string;
    choices: { pick: number; value: string }[];
  }[];
  assert.equal(conflicts.length, 1);
  assert.equal(conflicts[0]?.field, "username");
  assert.equal(conflicts[0]?.kind, "field");
  const fromPhone = conflicts[0]?.choices.find((c) => c.value === "from-phone");
  assert.ok(fromPhone !== undefined);
  assert.equal(
    (await ok(laptop.path, ["get", "Shared"])).stdout.includes("(conflict: 2 values)"),
    true,
  );

  const resolved = await ok(laptop.path, [
    "resolve",
    "Shared",
    "--field",
    "username",
    "--pick",
    String(fromPhone.pick),
  ]);
  assert.match(resolved.stdout, /^Resolved username of "Shared"/);
  await ok(laptop.path, ["sync"]);
  await ok(phone.path, ["sync"]);
  for (const home of [laptop.path, phone.path]) {
    assert.equal((await ok(home, ["get", "Shared", "--field", "username"])).stdout, "from-phone\n");
    assert.deepEqual(JSON.parse((await ok(home, ["conflicts", "--json"])).stdout), []);
  }
  const noConflict = await run(laptop.path, [
    "resolve",
    "Shared",
    "--field",
    "username",
    "--value",
    "x",
  ]);
  assert.equal(noConflict.code, 1);
  assert.match(noConflict.stderr, /has no conflict to resolve/);
  // `--value -` reads the (secret) value from standard input, not the command line.
  const fromStdin = await run(
    laptop.path,
    ["resolve", "Shared", "--field", "username", "--value", "-"],
    { stdin: "" },
  );
  assert.equal(fromStdin.code, 1);
  assert.match(fromStdin.stderr, /--value -: line 1 of standard input should hold its value/);
});

test("an edit on one device while the item is trashed on another is settled with --field status", async () => {
  await ok(laptop.path, ["rm", "Shared"]);
  await ok(phone.path, ["edit", "Shared", "--notes", "edited while deleted"]);
  await ok(laptop.path, ["sync"]);
  await ok(phone.path, ["sync"]);
  await ok(laptop.path, ["sync"]);
  const listed = await ok(laptop.path, ["conflicts"]);
  assert.match(
    listed.stdout,
    /Shared \([0-9a-f-]+\): edited on one device while deleted on another\n {2}1 {2}keep the item \(restore it, with the edits\)\n {2}2 {2}move it to the trash\n {2}settle: keypears resolve [0-9a-f-]+ --field status --pick <n>\n$/,
  );
  await ok(laptop.path, ["resolve", "Shared", "--field", "status", "--pick", "1"]);
  const item = JSON.parse((await ok(laptop.path, ["get", "Shared", "--json"])).stdout) as {
    status: string;
    conflicts: number;
  };
  assert.deepEqual([item.status, item.conflicts], ["live", 0]);
  await ok(laptop.path, ["sync"]);
  await ok(phone.path, ["sync"]);
  assert.equal(
    (await ok(phone.path, ["get", "Shared", "--field", "notes"])).stdout,
    "edited while deleted\n",
  );
});

test("a server that is down: a clear message, and local work goes on", async () => {
  server.down = true;
  try {
    await ok(laptop.path, ["add", "--title", "Offline", "--password", "written offline"]);
    const failed = await run(laptop.path, ["sync"]);
    assert.equal(failed.code, 1);
    assert.equal(
      failed.stderr,
      "keypears: cannot reach https://example.com (connection refused); your changes are saved on this device, run `keypears sync` when it is back\n",
    );
    const status = await ok(laptop.path, ["status"]);
    assert.match(status.stdout, /Changes +1 pending/);
    assert.match(status.stdout, /Remote +not reachable: cannot reach https:\/\/example\.com/);
    const statusJson = await json(laptop.path, ["status"]);
    assert.equal(statusJson["remote"], null);
    assert.match(statusJson["remoteError"] as string, /cannot reach/);
    const passwd = await run(laptop.path, ["passwd"], {
      env: { KEYPEARS_NEW_PASSWORD: "new password 2" },
    });
    assert.equal(passwd.code, 1);
    assert.match(passwd.stderr, /the password was not changed anywhere\n$/);
    await ok(laptop.path, ["list"]);
  } finally {
    server.down = false;
  }
  assert.match((await ok(laptop.path, ["sync"])).stdout, /sent 1 change/);
  await ok(phone.path, ["sync"]);
  assert.equal(
    (await ok(phone.path, ["get", "Offline", "--field", "password"])).stdout,
    "written offline\n",
  );
});

test("sync --watch reports each round until Ctrl-C", async () => {
  const io = createMemoryIo({ env: { KEYPEARS_HOME: phone.path, KEYPEARS_PASSWORD: PASSWORD } });
  const running = main(["sync", "--watch", "--json"], {
    io,
    syncServices: async () => server.services,
  });
  while (!io.out().includes("\n")) await new Promise((resolve) => setTimeout(resolve, 10));
  await ok(laptop.path, ["add", "--title", "Live"]);
  await ok(laptop.path, ["sync"]);
  while (io.out().trim().split("\n").length < 2)
    await new Promise((resolve) => setTimeout(resolve, 10));
  io.interrupt();
  assert.equal(await running, 0);
  const lines = io
    .out()
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(Object.keys(lines[0] ?? {}).sort(), [
    "account",
    "at",
    "pulled",
    "pushed",
    "rejected",
    "verified",
  ]);
  assert.deepEqual(lines[0]?.["rejected"], []);
  assert.equal(lines[1]?.["pulled"], 1);
  assert.equal(io.err(), "", "nothing but JSON lines with --json");
});

test("devices lists, renames and revokes; passwd changes the password on the server first", async () => {
  const { devices } = JSON.parse((await ok(laptop.path, ["devices", "--json"])).stdout) as {
    devices: { id: string; name: string; current: boolean }[];
  };
  assert.deepEqual(
    devices.map((d) => [d.name, d.current]),
    [
      ["laptop", true],
      ["phone", false],
    ],
  );
  const phoneId = devices[1]?.id as string;
  assert.match(
    (await ok(laptop.path, ["devices", "rename", phoneId, "old phone"])).stdout,
    /Renamed device/,
  );
  const self = await run(laptop.path, ["devices", "revoke", devices[0]?.id as string]);
  assert.equal(self.code, 1);
  // An id prefix names a device, as it names an item; one that matches none is an error.
  const unknown = await run(laptop.path, ["devices", "revoke", "zzzz"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no device of dana@example.com has an id starting "zzzz"/);
  // Six digits, or more when the laptop's random id begins with the same six (1 in 2^24).
  const laptopId = devices[0]?.id ?? "";
  let prefix = phoneId.slice(0, 6);
  while (laptopId.startsWith(prefix) && prefix !== phoneId)
    prefix = phoneId.slice(0, prefix.length + 1);
  assert.match(
    (await ok(laptop.path, ["devices", "revoke", prefix])).stdout,
    new RegExp(`Revoked device ${phoneId}:`),
  );
  const revoked = await run(phone.path, ["sync"]);
  assert.equal(revoked.code, 1);
  assert.match(revoked.stderr, /this device was revoked/);

  const changed = await json(laptop.path, ["passwd"], {
    env: { KEYPEARS_NEW_PASSWORD: "new password 2" },
  });
  assert.deepEqual(changed, { account: "dana@example.com", changed: true, serverUpdated: true });
  const third = createTempHome();
  try {
    const old = await run(third.path, ["login", "dana@example.com"], {
      env: { KEYPEARS_SECRET_KEY: secretKey },
    });
    assert.equal(old.code, 1);
    await ok(third.path, ["login", "dana@example.com"], {
      password: "new password 2",
      env: { KEYPEARS_SECRET_KEY: secretKey },
    });
  } finally {
    third.remove();
  }
});

test("local-only accounts say they never sync, before asking for a password", async () => {
  const home = createTempHome();
  try {
    await ok(home.path, ["init", "solo@localhost"]);
    for (const args of [["sync"], ["devices"]]) {
      const result = await run(home.path, args, { password: "unused" });
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^keypears: solo@localhost is a local-only account: it never syncs/,
      );
    }
    const login = await run(home.path, ["login", "solo@localhost"]);
    assert.equal(login.code, 2);
  } finally {
    home.remove();
  }
});
