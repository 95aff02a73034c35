/**
 * Every command's `--json` shape, through the real binary: stdout is exactly one JSON document with
 * the documented keys, stderr stays empty, and secrets appear only where asked for.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after, before } from "node:test";
import { createTempHome, parseJson, runCli } from "./testing/run-cli.ts";

const test = boundedTest();

const home = createTempHome();
after(() => home.remove());

/** Runs with --json and returns the parsed document, checking nothing else was printed. */
const json = async (args: readonly string[], env?: Record<string, string>): Promise<unknown> => {
  const result = await runCli([...args, "--json"], { home: home.path, ...(env ? { env } : {}) });
  assert.equal(result.code, 0, `keypears ${args.join(" ")} --json\n${result.stderr}`);
  assert.equal(result.stderr, "", `nothing on stderr for keypears ${args.join(" ")} --json`);
  return parseJson(result);
};
const keys = (value: unknown): string[] => Object.keys(value as object).sort();

const ITEM_KEYS = [
  "conflicts",
  "createdAt",
  "createdBy",
  "fields",
  "id",
  "status",
  "title",
  "type",
  "updatedAt",
  "updatedBy",
];
const FIELD_KEYS = [
  "concealed",
  "conflict",
  "custom",
  "name",
  "secret",
  "updatedAt",
  "updatedBy",
  "value",
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface ItemShape {
  id: string;
  title: string;
  status: string;
  fields: { name: string; value: unknown; secret: boolean; concealed: boolean; custom: boolean }[];
}

const checkItem = (value: unknown): ItemShape => {
  assert.deepEqual(keys(value), ITEM_KEYS);
  const item = value as ItemShape & Record<string, unknown>;
  assert.match(item.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(item["createdAt"] as string, ISO);
  assert.match(item["updatedBy"] as string, /^[0-9a-f]{16}$/);
  for (const field of item.fields) assert.deepEqual(keys(field), FIELD_KEYS);
  return item;
};

let itemId = "";

before(async () => {
  const created = (await json(["init", "json@localhost"])) as Record<string, unknown>;
  assert.deepEqual(keys(created), [
    "address",
    "deviceId",
    "localOnly",
    "recoveryKit",
    "secretKey",
    "serverUrl",
    "vaultId",
  ]);
  assert.equal(created["address"], "json@localhost");
  assert.equal(created["localOnly"], true);
  assert.equal(created["serverUrl"], null);
  assert.match(created["secretKey"] as string, /^K1-/);
  assert.ok((created["recoveryKit"] as string).includes(created["secretKey"] as string));
});

test("add, get, edit: an item with secrets concealed unless --reveal", async () => {
  const added = checkItem(
    await json([
      "add",
      "--title",
      "Mail",
      "--username",
      "me",
      "--password",
      "s3cret-value",
      "--url",
      "https://mail.example",
      "--hidden-field",
      "pin=4321",
      "--field",
      "note=plain",
      "--totp",
      "JBSWY3DPEHPK3PXP",
    ]),
  );
  itemId = added.id;
  assert.equal(added.title, "Mail");
  assert.equal(added.status, "live");
  const byName = (item: ItemShape) => new Map(item.fields.map((f) => [f.name, f]));
  const fields = byName(added);
  assert.deepEqual([...fields.keys()], ["username", "password", "urls", "totp", "note", "pin"]);
  assert.deepEqual(fields.get("password"), {
    ...fields.get("password"),
    value: null,
    secret: true,
    concealed: true,
  });
  assert.deepEqual(fields.get("urls")?.value, ["https://mail.example"]);
  assert.deepEqual(fields.get("pin"), {
    ...fields.get("pin"),
    value: null,
    custom: true,
    concealed: true,
  });
  assert.equal(fields.get("note")?.value, "plain");

  const [got, revealed, field, totp] = await Promise.all([
    json(["get", "Mail"]),
    json(["get", "Mail", "--reveal"]),
    json(["get", "Mail", "--field", "password"]),
    json(["totp", "Mail"]),
  ]);
  assert.ok(!JSON.stringify(got).includes("s3cret-value"));
  assert.equal(byName(checkItem(revealed)).get("password")?.value, "s3cret-value");
  assert.equal(byName(checkItem(revealed)).get("pin")?.value, "4321");
  assert.deepEqual(field, { id: itemId, title: "Mail", field: "password", value: "s3cret-value" });
  assert.deepEqual(keys(totp), ["code", "id", "secondsRemaining", "title"]);
  assert.match((totp as { code: string }).code, /^\d{6}$/);

  const edited = checkItem(await json(["edit", itemId, "--notes", "hello"]));
  assert.equal(byName(edited).get("notes")?.value, "hello");
});

test("list, history, conflicts, status, accounts", async () => {
  const [list, trash, history, conflicts, status, accounts] = await Promise.all([
    json(["list"]),
    json(["list", "--trash"]),
    json(["history", "Mail"]),
    json(["conflicts"]),
    json(["status"]),
    json(["accounts"]),
  ]);
  assert.ok(Array.isArray(list) && list.length === 1);
  assert.deepEqual(keys(list[0]), [
    "conflicts",
    "folder",
    "id",
    "status",
    "tags",
    "title",
    "type",
    "updatedAt",
    "urls",
    "username",
  ]);
  assert.deepEqual(list[0], {
    ...(list[0] as object),
    id: itemId,
    title: "Mail",
    username: "me",
    urls: ["https://mail.example"],
    tags: [],
    folder: null,
    conflicts: 0,
  });
  assert.ok(!JSON.stringify(list).includes("s3cret"));
  assert.deepEqual(trash, []);

  assert.deepEqual(keys(history), ["fields", "id", "status", "title"]);
  const h = history as {
    fields: { name: string; secret: boolean; entries: Record<string, unknown>[] }[];
  };
  const password = h.fields.find((f) => f.name === "password");
  assert.equal(password?.secret, true);
  assert.deepEqual(keys(password?.entries[0]), [
    "at",
    "concealed",
    "current",
    "device",
    "eventId",
    "head",
    "value",
  ]);
  assert.equal(password?.entries[0]?.["value"], null);
  assert.match(password?.entries[0]?.["at"] as string, ISO);
  assert.ok(!JSON.stringify(history).includes("s3cret"));

  assert.deepEqual(conflicts, []);

  assert.deepEqual(keys(status), [
    "account",
    "agent",
    "approval",
    "changes",
    "deviceId",
    "fingerprint",
    "items",
    "lastSyncAt",
    "localOnly",
    "newDevices",
    "quarantined",
    "rejected",
    "remote",
    "remoteError",
    "roster",
    "serverUrl",
    "vaultId",
    "verified",
  ]);
  const s = status as Record<string, unknown>;
  assert.deepEqual(s["items"], { live: 1, trashed: 0, conflicts: 0, problems: 0 });
  assert.deepEqual(s["agent"], { running: false, locksAt: null, syncing: false });
  assert.deepEqual(s["changes"], { pending: 0, sent: 0, ordered: 0, rejected: 0, verified: 0 });
  assert.equal((s["verified"] as { position: number }).position, 0);
  assert.match((s["verified"] as { hash: string }).hash, /^[0-9a-f]{64}$/);
  assert.equal(s["remote"], null);
  assert.deepEqual(
    [s["quarantined"], s["roster"], s["fingerprint"]],
    [[], [], null],
    "a local-only vault has none of them",
  );

  assert.deepEqual(accounts, [
    {
      address: "json@localhost",
      localOnly: true,
      serverUrl: null,
      vaultId: s["vaultId"],
      deviceId: s["deviceId"],
      createdAt: (accounts as { createdAt: string }[])[0]?.createdAt,
      error: null,
    },
  ]);
});

test("rm, restore, rm --permanent, generate, passwd", async () => {
  assert.equal(checkItem(await json(["rm", itemId])).status, "trashed");
  assert.equal(checkItem(await json(["restore", itemId])).status, "live");
  const purged = (await json(["rm", itemId, "--permanent", "--yes"])) as ItemShape;
  assert.equal(purged.status, "purged");

  const [password, passphrase] = await Promise.all([
    json(["generate", "--length", "30"]),
    json(["generate", "--passphrase", "--words", "4"]),
  ]);
  assert.deepEqual(keys(password), ["entropyBits", "kind", "password"]);
  assert.equal((password as { password: string }).password.length, 30);
  assert.equal((passphrase as { kind: string }).kind, "passphrase");

  const changed = await json(["passwd"], { KEYPEARS_NEW_PASSWORD: "another password" });
  assert.deepEqual(changed, { account: "json@localhost", changed: true, serverUpdated: false });
});
