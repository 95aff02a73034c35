/**
 * The vault doctor: item rows and history rows are derived from the events, so a damaged or
 * missing one is rebuilt from them; a check without repair changes nothing; what cannot be
 * rebuilt is reported.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { unlockAccountFile } from "./account.ts";
import { vaultPath } from "./node/home.ts";
import { openAccountFile, unlockVault } from "./node/node-accounts.ts";
import { nodeAccountStorage } from "./node/node-storage.ts";
import { doctorVault } from "./doctor.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/test-home.ts";

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "doctor password";

const doctor = async (address: string, repair: boolean) => {
  const unlocked = expectOk(
    await unlockAccountFile({
      storage: nodeAccountStorage(home.path),
      address,
      password: PASSWORD,
      deps: cheapDeps(),
    }),
  );
  return doctorVault({ ...unlocked, deps: cheapDeps(), repair });
};

const flip = (bytes: Uint8Array): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[0] = (copy[0] as number) ^ 0x80;
  return copy;
};

test("a damaged merge state (which history is read from) is rebuilt from the item's events", async () => {
  const address = "doc@localhost";
  const { vault } = await createTestAccount(home.path, address, { password: PASSWORD });
  const item = expectOk(vault.add({ fields: { title: "Bank", username: "one" } }));
  expectOk(vault.edit(item.id, { username: "two" }));
  expectOk(vault.add({ fields: { title: "Other" } }));
  vault.lock();

  const healthy = await doctor(address, true);
  assert.deepEqual(healthy.rebuilt, []);
  assert.deepEqual(healthy.unrecoverable, []);
  assert.deepEqual(healthy.checked, { events: 3, items: 2 });

  const { db } = expectOk(openAccountFile(home.path, address));
  const row = db.prepare("SELECT state FROM items WHERE id = ?").get(item.id) as {
    state: Uint8Array;
  };
  db.prepare("UPDATE items SET state = ? WHERE id = ?").run(flip(row.state), item.id);
  db.close();

  const file = vaultPath(home.path, address as never);
  const before = readFileSync(file);
  const checked = await doctor(address, false);
  assert.deepEqual(checked.needsRebuild, [item.id]);
  assert.deepEqual(checked.rebuilt, []);
  assert.ok(readFileSync(file).equals(before), "a check without repair writes nothing");

  const repaired = await doctor(address, true);
  assert.deepEqual(repaired.rebuilt, [{ itemId: item.id, events: 2 }]);
  assert.deepEqual(repaired.unrecoverable, []);

  const reopened = expectOk(
    await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }),
  );
  assert.deepEqual(reopened.problems(), []);
  const bank = expectOk(reopened.get(item.id));
  assert.equal(bank.fields.find((f) => f.name === "username")?.value, "two");
  assert.match(JSON.stringify(expectOk(reopened.history(item.id))), /"one"/);
  // The rebuilt item takes new edits as before.
  expectOk(reopened.edit(item.id, { username: "three" }));
  reopened.lock();
});
