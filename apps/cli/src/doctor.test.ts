/**
 * A damaged vault file, through the real binary: a damaged or missing item row does not make the
 * item vanish for good (`keypears doctor` rebuilds it from its events), a damaged event is
 * reported as what could not be repaired, and damaged stored keys are reported as damage, not as
 * a wrong password.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { openSqlite, vaultPath } from "@keypears/vault";
import type { Address } from "@keypears/vault";
import { after, before } from "node:test";
import { createTempHome, parseJson, runCli } from "./testing/run-cli.ts";

const test = boundedTest();

const home = createTempHome();
after(() => home.remove());
const kp = (args: readonly string[]) => runCli(args, { home: home.path });
const file = () => vaultPath(home.path, "eve@localhost" as Address);

/** Runs `sql` on the vault file as a bad disk or a careless edit would, outside KeyPears. */
const tamper = (fn: (db: ReturnType<typeof openSqlite>) => void) => {
  const db = openSqlite(file());
  try {
    fn(db);
  } finally {
    db.close();
  }
};
const flipLastByte = (
  db: ReturnType<typeof openSqlite>,
  table: string,
  column: string,
  where: string,
  id: string,
) => {
  const row = db.prepare(`SELECT ${column} AS v FROM ${table} WHERE ${where} = ?`).get(id) as {
    v: Uint8Array;
  };
  const bytes = Uint8Array.from(row.v);
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
  db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${where} = ?`).run(bytes, id);
};

const titles = async () =>
  (parseJson(await kp(["list", "--json"])) as { title: string }[]).map((i) => i.title).sort();
const idOf = async (title: string) =>
  (parseJson(await kp(["list", "--json"])) as { id: string; title: string }[]).find(
    (i) => i.title === title,
  )?.id as string;

before(async () => {
  assert.equal((await kp(["init", "eve@localhost"])).code, 0);
  for (const title of ["Bank", "Mail", "Forum"])
    assert.equal((await kp(["add", "--title", title, "--username", "eve"])).code, 0);
  assert.equal((await kp(["edit", "Bank", "--username", "eve-edited"])).code, 0);
});

test("a damaged item row is rebuilt from its events by doctor; --check only reports", async () => {
  const bank = await idOf("Bank");
  const mail = await idOf("Mail");
  tamper((db) => {
    flipLastByte(db, "items", "view", "id", bank);
    db.prepare("DELETE FROM items WHERE id = ?").run(mail);
  });
  const damaged = await kp(["list"]);
  assert.match(
    damaged.stderr,
    /failed its integrity check.*`keypears doctor` rebuilds damaged items/,
  );
  assert.deepEqual(await titles(), ["Forum"]);

  const check = await kp(["doctor", "--check"]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, new RegExp(`Item ${bank} is damaged`));
  assert.match(check.stdout, new RegExp(`Item ${mail} is damaged`));
  assert.deepEqual(await titles(), ["Forum"], "--check changes nothing");

  const repaired = await kp(["doctor"]);
  assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
  assert.match(repaired.stdout, new RegExp(`Rebuilt item ${bank} from its 2 events\\.`));
  assert.match(repaired.stdout, new RegExp(`Rebuilt item ${mail} from its 1 event\\.`));
  assert.deepEqual(await titles(), ["Bank", "Forum", "Mail"]);
  const item = parseJson(await kp(["get", "Bank", "--json"])) as {
    fields: { name: string; value: unknown }[];
  };
  assert.equal(item.fields.find((f) => f.name === "username")?.value, "eve-edited");
  const history = await kp(["history", "Bank", "--field", "username", "--json"]);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /eve-edited/);
  const again = await kp(["doctor", "--json"]);
  assert.equal(again.code, 0);
  assert.deepEqual((parseJson(again) as { rebuilt: unknown[] }).rebuilt, []);
});

test("an event that no longer opens is reported as not repairable", async () => {
  const forum = await idOf("Forum");
  tamper((db) => {
    const event = db.prepare("SELECT id FROM events WHERE item_id = ?").get(forum) as {
      id: string;
    };
    flipLastByte(db, "events", "payload", "id", event.id);
    flipLastByte(db, "items", "view", "id", forum);
  });
  const result = await kp(["doctor"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stdout,
    /Could not repair: the stored event [0-9a-f-]+ failed its integrity check/,
  );
  assert.match(result.stdout, new RegExp(`Could not repair: the stored item ${forum} failed`));
});

test("damaged stored keys are reported as damage, not as a wrong password", async () => {
  tamper((db) => flipLastByte(db, "account", "wrapped_vault_key", "id", "1"));
  const result = await kp(["list"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /the stored keys in .*eve@localhost\.vault are damaged .*this is not a wrong password/,
  );
  assert.doesNotMatch(result.stderr, /wrong password or Secret Key/);
});
