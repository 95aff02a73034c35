import assert from "node:assert/strict";
import { after, test } from "node:test";
import { parseSecretKey } from "@keypears/crypto";
import {
  cheapDeps,
  containsBytes,
  createTestAccount,
  createTestHome,
  expectOk,
  homeBytes,
  openVaultFile,
  unlockVault,
  utf16le,
} from "./testing/test-platform.ts";

const home = createTestHome();
after(() => home.remove());
const PASSWORD = "marker-master-password-Zq7";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Every file of the home (vault, journal or WAL, shared memory) as bytes. */
const allBytes = homeBytes;

test("a copy of the vault files reveals no title, username, URL, note, tag, field name or secret", async () => {
  const { vault, secretKey } = await createTestAccount(home.path, "grep@localhost", {
    password: PASSWORD,
  });
  const markers = {
    title: "MarkerTitleQx81",
    username: "marker-user-Vb27",
    password: "marker-password-Lk93",
    url: "https://marker-url-Hy55.example",
    notes: "marker notes Ty04 with spaces",
    tag: "markertagPw66",
    folder: "MarkerFolderRr12",
    customName: "MarkerCustomNameJj3",
    customValue: "marker-custom-value-Ff8",
    totp: "JBSWY3DPEHPK3PXPMARKER",
    edited: "marker-edited-password-Ww2",
  };
  const item = expectOk(
    vault.add({
      fields: {
        title: markers.title,
        username: markers.username,
        password: markers.password,
        urls: [markers.url],
        notes: markers.notes,
        tags: [markers.tag],
        folder: markers.folder,
        totp: markers.totp,
        [`custom:${markers.customName}`]: ["hidden", markers.customValue],
      },
    }),
  );
  expectOk(vault.edit(item.id, { password: markers.edited }));
  expectOk(vault.trash(item.id));
  expectOk(vault.restore(item.id));
  // Read while unlocked (WAL not yet checkpointed) and again after closing.
  for (const phase of ["open", "closed"]) {
    if (phase === "closed") vault.lock();
    const bytes = allBytes(home.path);
    assert.ok(bytes.length > 10_000, "the files were read");
    for (const [what, marker] of Object.entries({
      ...markers,
      masterPassword: PASSWORD,
      secretKey,
    })) {
      assert.equal(
        containsBytes(bytes, utf8(marker)),
        false,
        `${what} found in plaintext (${phase})`,
      );
      assert.equal(
        containsBytes(bytes, utf16le(marker)),
        false,
        `${what} found as UTF-16 (${phase})`,
      );
    }
    const rawSecretKey = parseSecretKey(secretKey);
    assert.ok(rawSecretKey.ok);
    assert.equal(containsBytes(bytes, rawSecretKey.value), false, "raw Secret Key bytes found");
  }
});

test("the grep above would find a plaintext if one were stored (it can fail)", async () => {
  const { vault } = await createTestAccount(home.path, "canary@localhost");
  vault.lock();
  const db = open("canary@localhost");
  db.prepare("INSERT INTO state (key, value) VALUES ('canary', ?)").run(utf8("CanaryPlaintextZ9"));
  db.close();
  assert.ok(containsBytes(allBytes(home.path), utf8("CanaryPlaintextZ9")));
});

const open = (address: string) => openVaultFile(home.path, address);
const unlock = async (address: string) =>
  expectOk(await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }));
const flip = (bytes: Uint8Array, at = 30): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
};

test("a tampered item record is reported clearly while the rest of the vault stays readable", async () => {
  const { vault } = await createTestAccount(home.path, "tamper-item@localhost", {
    password: PASSWORD,
  });
  const victim = expectOk(vault.add({ fields: { title: "Victim", password: "v" } }));
  expectOk(vault.add({ fields: { title: "Bystander", password: "b" } }));
  vault.lock();
  const db = open("tamper-item@localhost");
  const row = db.prepare("SELECT view FROM items WHERE id = ?").get(victim.id) as {
    view: Uint8Array;
  };
  db.prepare("UPDATE items SET view = ? WHERE id = ?").run(flip(row.view), victim.id);
  db.close();

  const reopened = await unlock("tamper-item@localhost");
  assert.deepEqual(
    reopened.list().map((i) => i.title),
    ["Bystander"],
  );
  assert.deepEqual(reopened.problems(), [{ kind: "tampered", what: "item", id: victim.id }]);
  expectOk(reopened.edit("Bystander", { notes: "still editable" }));
  reopened.lock();
});

test("a tampered item state stops edits of that item with a clear error and nothing else", async () => {
  const { vault } = await createTestAccount(home.path, "tamper-state@localhost", {
    password: PASSWORD,
  });
  const victim = expectOk(vault.add({ fields: { title: "Victim", password: "v" } }));
  expectOk(vault.add({ fields: { title: "Bystander" } }));
  vault.lock();
  const db = open("tamper-state@localhost");
  const row = db.prepare("SELECT state FROM items WHERE id = ?").get(victim.id) as {
    state: Uint8Array;
  };
  db.prepare("UPDATE items SET state = ? WHERE id = ?").run(flip(row.state), victim.id);
  db.close();

  const reopened = await unlock("tamper-state@localhost");
  const edit = reopened.edit(victim.id, { password: "w" });
  assert.deepEqual(edit, {
    ok: false,
    error: { kind: "tampered", what: "item state", id: victim.id },
  });
  expectOk(reopened.edit("Bystander", { notes: "fine" }));
  assert.equal(
    expectOk(reopened.get("Victim")).fields.find((f) => f.name === "password")?.value,
    "v",
    "the failed edit changed nothing",
  );
  reopened.lock();
});

test("a tampered event waiting in the outbox is caught before it is pushed", async () => {
  const { vault } = await createTestAccount(home.path, "tamper-outbox@example.com", {
    password: PASSWORD,
    serverUrl: "https://example.com",
  });
  expectOk(vault.add({ fields: { title: "Queued" } }));
  vault.lock();
  const db = open("tamper-outbox@example.com");
  const row = db.prepare("SELECT id, payload FROM events").get() as {
    id: string;
    payload: Uint8Array;
  };
  db.prepare("UPDATE events SET payload = ? WHERE id = ?").run(flip(row.payload), row.id);
  db.close();
  const reopened = await unlock("tamper-outbox@example.com");
  assert.deepEqual(reopened.sync.pending(10), {
    ok: false,
    error: { kind: "tampered", what: "event", id: row.id },
  });
  reopened.lock();
});

test("a tampered history row is reported when that history is read", async () => {
  // The history table holds the writes taken out of a merge state: a refused change, dropped.
  const { vault } = await createTestAccount(home.path, "tamper-history@example.com", {
    password: PASSWORD,
    serverUrl: "https://example.com",
  });
  const victim = expectOk(vault.add({ fields: { title: "Victim", password: "v" } }));
  const refused = expectOk(vault.edit(victim.id, { password: "refused" })).fields.find(
    (f) => f.name === "password",
  );
  assert.ok(refused !== undefined);
  vault.sync.markRejected(refused.eventId, "refused in a test");
  expectOk(vault.sync.dropRejected(refused.eventId));
  vault.lock();
  const db = open("tamper-history@example.com");
  const row = db
    .prepare("SELECT field_key, event_id, record FROM history WHERE item_id = ? LIMIT 1")
    .get(victim.id) as {
    field_key: string;
    event_id: string;
    record: Uint8Array;
  };
  db.prepare(
    "UPDATE history SET record = ? WHERE item_id = ? AND field_key = ? AND event_id = ?",
  ).run(flip(row.record), victim.id, row.field_key, row.event_id);
  db.close();
  const reopened = await unlock("tamper-history@example.com");
  const history = reopened.history("Victim");
  assert.equal(history.ok, false);
  assert.equal(history.ok ? "" : history.error.kind, "tampered");
  assert.equal(expectOk(reopened.get("Victim")).title, "Victim");
  reopened.lock();
});

test("ciphertexts moved to another row, item or vault do not open", async () => {
  const a = await createTestAccount(home.path, "move-a@example.com", {
    password: PASSWORD,
    serverUrl: "https://example.com",
  });
  const b = await createTestAccount(home.path, "move-b@localhost", { password: PASSWORD });
  const one = expectOk(a.vault.add({ fields: { title: "One" } }));
  const two = expectOk(a.vault.add({ fields: { title: "Two" } }));
  const other = expectOk(b.vault.add({ fields: { title: "Other" } }));
  a.vault.lock();
  b.vault.lock();

  const dbA = open("move-a@example.com");
  const dbB = open("move-b@localhost");
  const viewOf = (db: ReturnType<typeof open>, id: string) =>
    (db.prepare("SELECT view FROM items WHERE id = ?").get(id) as { view: Uint8Array }).view;
  // Swap the two items' records within one vault, put an item's state box in its view's place,
  // and bring in a record from another vault.
  const [v1, v2] = [viewOf(dbA, one.id), viewOf(dbA, two.id)];
  dbA.prepare("UPDATE items SET view = ? WHERE id = ?").run(v2, one.id);
  dbA.prepare("UPDATE items SET view = ? WHERE id = ?").run(v1, two.id);
  dbA.prepare("UPDATE items SET state = view WHERE id = ?").run(one.id);
  const events = dbA.prepare("SELECT id, payload FROM events ORDER BY id").all() as {
    id: string;
    payload: Uint8Array;
  }[];
  dbA
    .prepare("UPDATE events SET payload = ? WHERE id = ?")
    .run(events[1]?.payload ?? null, events[0]?.id ?? null);
  dbB.prepare("UPDATE items SET view = ? WHERE id = ?").run(v1, other.id);
  dbA.close();
  dbB.close();

  const reopenedA = await unlock("move-a@example.com");
  assert.deepEqual(reopenedA.list(), []);
  assert.deepEqual(new Set(reopenedA.problems().map((p) => p.id)), new Set([one.id, two.id]));
  assert.deepEqual(reopenedA.edit(one.id, { notes: "x" }), {
    ok: false,
    error: { kind: "tampered", what: "item", id: one.id },
  });
  assert.deepEqual(
    reopenedA.sync.pending(10),
    {
      ok: false,
      error: { kind: "tampered", what: "event", id: events[0]?.id },
    },
    "an event payload moved to another event id does not open",
  );
  const reopenedB = await unlock("move-b@localhost");
  assert.deepEqual(reopenedB.problems(), [{ kind: "tampered", what: "item", id: other.id }]);
  reopenedA.lock();
  reopenedB.lock();
});
