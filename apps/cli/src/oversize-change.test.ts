/**
 * The large item of issue 11, as a user meets it: a 30,000-character CJK note is refused at
 * `add` with what to do; a device that already holds an oversize change (made here with the
 * vault's check lifted, as on a device from before it) syncs everything else, says which item and
 * why, and gets out by editing the item or by `sync --drop-rejected`. The real CLI code and
 * HTTP client, against a real server on a free port.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningServer } from "@keypears/server";
import { defaultVaultDeps, unlockVault, type Vault } from "@keypears/vault";
import { main } from "./main.ts";
import { startLocalServer } from "./testing/local-server.ts";
import { createMemoryIo } from "./testing/memory-io.ts";
import { createTempHome, PASSWORD, shownCommand } from "./testing/run-cli.ts";

let server: RunningServer;
let address: string;
const laptop = createTempHome();
before(async () => {
  server = await startLocalServer();
  address = `alice@${server.domain}`;
});
after(async () => {
  await server.close();
  laptop.remove();
});

const run = async (args: readonly string[]) => {
  const io = createMemoryIo({ env: { KEYPEARS_HOME: laptop.path, KEYPEARS_PASSWORD: PASSWORD } });
  const code = await main(args, { io });
  return { code, stdout: io.out(), stderr: io.err() };
};
const ok = async (args: readonly string[]) => {
  const result = await run(args);
  assert.equal(result.code, 0, `${shownCommand(args)}: ${result.stderr}`);
  return result;
};
const statusJson = async () =>
  JSON.parse((await ok(["status", "--json"])).stdout) as {
    changes: Record<string, number>;
    rejected: { id: string; title: string; reason: string; bytes: number }[];
  };
/** Changes made by a vault without the size check, as a device from before it made them. */
const withoutTheCheck = async (change: (vault: Vault) => void) => {
  const vault = await unlockVault({
    home: laptop.path,
    address,
    password: PASSWORD,
    deps: { ...defaultVaultDeps, unsafeMaxEventBytesForTests: 1 << 20 },
  });
  assert.ok(vault.ok);
  try {
    change(vault.value);
  } finally {
    vault.value.lock();
  }
};

const cjk = (n: number) =>
  Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join(
    "",
  );

test("a 30,000-character CJK note is refused at add, saying the size, the limit and what to do", async () => {
  await ok(["init", address, "--json"]);
  const added = await run(["add", "--type", "note", "--title", "bignote2", "--notes", cjk(30_000)]);
  assert.equal(added.code, 1);
  assert.match(
    added.stderr,
    /^keypears: this change is 9\d{4} bytes once encoded and encrypted; a change may be at most 65536 bytes, so it was not saved\. Shorten it .*attachments for large content will come later\n$/,
  );
  assert.equal(added.stdout, "");
  assert.deepEqual(JSON.parse((await ok(["list", "--json"])).stdout), []);
  assert.equal((await statusJson()).changes["pending"], 0);
});

test("a device holding an oversize change syncs everything else, names the item and the reason, and gets out by dropping it", async () => {
  await ok(["add", "--title", "before"]);
  await withoutTheCheck((vault) => {
    assert.ok(vault.add({ type: "note", fields: { title: "bignote2", notes: cjk(30_000) } }).ok);
  });
  await ok(["add", "--title", "after"]);
  const waiting = await ok(["status"]);
  assert.match(
    waiting.stdout,
    /Remote +3 changes of this device not yet synced: run `keypears sync`/,
  );

  const synced = await run(["sync"]);
  assert.equal(synced.code, 1);
  assert.match(synced.stdout, /^Synced alice@localhost:\d+: sent 2 changes, received 0 changes/);
  const status = await statusJson();
  // Verified: the sharing identity `init` made, and the two changes this sync sent.
  assert.deepEqual(status.changes, { pending: 0, sent: 0, ordered: 0, rejected: 1, verified: 3 });
  const [refused] = status.rejected;
  assert.equal(refused?.title, "bignote2");
  assert.ok((refused?.bytes ?? 0) > 65_536);
  assert.equal(
    synced.stderr,
    `warning: a change to "bignote2" was refused and is set aside (it is ${refused?.bytes} bytes once encrypted; the protocol's limit is 65536). ` +
      `Edit the item to fix it (the edit carries it on and syncs), or give the change up with \`keypears sync --drop-rejected ${refused?.id}\` (it stays in this device's history).\n` +
      "keypears: 1 change could not be sent; everything else is synced\n",
  );
  const human = await ok(["status"]);
  assert.match(
    human.stdout,
    /Changes +0 pending, 0 sent, 0 ordered, 3 verified in the log, 1 rejected/,
  );
  assert.match(
    human.stdout,
    /Remote +1 change refused by the server \(see below\); everything else is synced/,
  );
  assert.match(human.stdout, /Rejected: a change to "bignote2" was refused/);
  assert.doesNotMatch(human.stdout, /up to date/);

  // Every later change still goes: a new item, a permanent delete.
  await ok(["add", "--title", "later"]);
  await ok(["rm", "after", "--permanent", "--yes"]);
  const later = await run(["sync"]);
  assert.equal(later.code, 1);
  assert.match(later.stdout, /sent 2 changes/);

  const dropped = await ok(["sync", "--drop-rejected", refused?.id.slice(0, 20) ?? ""]);
  assert.match(
    dropped.stderr,
    new RegExp(
      `^Dropped the rejected change ${refused?.id} to "bignote2"; it stays in this device's history\\.\\n$`,
    ),
  );
  assert.match(dropped.stdout, /^Synced /);
  const clean = await statusJson();
  assert.equal(clean.changes["rejected"], 0);
  assert.deepEqual(clean.rejected, []);
  assert.match((await ok(["status"])).stdout, /Remote +up to date/);
  const titles = (JSON.parse((await ok(["list", "--json"])).stdout) as { title: string }[]).map(
    (i) => i.title,
  );
  assert.deepEqual(titles.sort(), ["before", "later"]);
  const none = await run(["sync", "--drop-rejected", refused?.id ?? ""]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no rejected change matches/);
});

test("editing the item is the other way out: the edit carries it on and syncs", async () => {
  await withoutTheCheck((vault) => {
    assert.ok(vault.edit("before", { notes: cjk(30_000) }).ok);
  });
  assert.equal((await run(["sync"])).code, 1);
  assert.equal((await statusJson()).changes["rejected"], 1);
  await ok(["edit", "before", "--notes", "a shorter note"]);
  assert.equal((await statusJson()).changes["rejected"], 0);
  assert.match((await ok(["sync"])).stdout, /sent 1 change/);
  assert.match((await ok(["status"])).stdout, /Remote +up to date/);
  assert.match((await ok(["get", "before"])).stdout, /notes +a shorter note/);
});
