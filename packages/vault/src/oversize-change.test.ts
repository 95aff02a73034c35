import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MAX_SEALED_EVENT_BYTES } from "@keypears/base";
import { describeVaultError } from "./errors.ts";
import type { Vault } from "./vault.ts";
import { createTestAccount, createTestHome, expectOk } from "./testing/test-platform.ts";

const home = createTestHome();
let vault: Vault;
before(async () => {
  vault = (
    await createTestAccount(home.path, "big@example.test", { serverUrl: "https://example.test" })
  ).vault;
});
after(() => {
  vault.lock();
  home.remove();
});

const outboxSizes = () => {
  const pending = expectOk(vault.sync.pending(1000));
  // The first push also carries this device's enrolment (a roster event, kind 2), and each
  // request a batch event that signs its changes: neither is an edit.
  return pending
    .filter((event) => !(event.payload[0] === 2 && event.payload[1] === 2))
    .filter((event) => event.batchId !== event.id)
    .map((event) => event.payload.length);
};

test("a change whose sealed event would pass the protocol's limit is refused at the edit, and nothing changes", () => {
  const cjk = "漢".repeat(30_000); // 30,000 characters, 90,000 bytes of UTF-8
  const added = vault.add({ type: "note", fields: { title: "bignote2", notes: cjk } });
  assert.equal(added.ok, false);
  if (added.ok) return;
  assert.equal(added.error.kind, "too-large");
  if (added.error.kind !== "too-large") return;
  assert.ok(added.error.bytes > 90_000, `${added.error.bytes} bytes`);
  assert.equal(added.error.limit, MAX_SEALED_EVENT_BYTES);
  const message = describeVaultError(added.error);
  assert.match(message, new RegExp(`is ${added.error.bytes} bytes once encoded and encrypted`));
  assert.match(message, /at most 65536 bytes, so it was not saved\. Shorten it/);
  assert.match(message, /attachments/);
  assert.ok(!message.includes("漢"), "the message holds no content");
  assert.deepEqual(vault.list(), []);
  assert.deepEqual(outboxSizes(), []);

  const note = expectOk(vault.add({ type: "note", fields: { title: "note", notes: "short" } }));
  const edited = vault.edit(note.id, { notes: cjk });
  assert.equal(edited.ok ? "saved" : edited.error.kind, "too-large");
  assert.equal(expectOk(vault.get(note.id)).fields.find((f) => f.name === "notes")?.value, "short");
  assert.equal(expectOk(vault.history(note.id, "notes")).fields[0]?.entries.length, 1);
  assert.equal(outboxSizes().length, 1);
  // The next edit works as if nothing happened.
  expectOk(vault.edit(note.id, { notes: "still short" }));
  assert.equal(outboxSizes().length, 2);
});

test("the limit is on bytes after encoding and sealing: the largest note that fits seals to within one padding block of it", () => {
  // Find the longest ASCII note that fits; its sealed event must be at most the limit.
  let low = 60_000;
  let high = MAX_SEALED_EVENT_BYTES;
  const before = outboxSizes().length;
  const probe = expectOk(vault.add({ type: "note", fields: { title: "probe" } }));
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const tried = vault.edit(probe.id, { notes: "a".repeat(mid) });
    if (tried.ok) low = mid;
    else {
      assert.equal(tried.error.kind, "too-large");
      high = mid - 1;
    }
  }
  const sizes = outboxSizes();
  assert.ok(sizes.length > before + 1);
  assert.ok(Math.max(...sizes) <= MAX_SEALED_EVENT_BYTES, `largest ${Math.max(...sizes)}`);
  // Padding rounds the sealed size up to 32-byte blocks, so the largest fitting event ends within one block of the limit.
  assert.ok(Math.max(...sizes) > MAX_SEALED_EVENT_BYTES - 64, `largest ${Math.max(...sizes)}`);
  const over = vault.edit(probe.id, { notes: "b".repeat(low + 64) });
  assert.equal(over.ok ? "saved" : over.error.kind, "too-large");
});
