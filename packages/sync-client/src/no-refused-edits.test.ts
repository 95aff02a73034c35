/**
 * Property: no sequence of local edits, however large their values, makes a change the server
 * refuses. The vault refuses an oversize change at the edit (changing nothing); everything it
 * accepts, a real server over HTTP accepts too.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FieldValue } from "@keypears/sync-core";
import type { ItemType, Vault } from "@keypears/vault";
import { expectOk } from "@keypears/vault/testing";
import fc from "fast-check";
import {
  closeDevices,
  createSyncedAccount,
  startSyncServer,
  type TestDevice,
} from "./testing/harness.ts";

let server: Awaited<ReturnType<typeof startSyncServer>>;
let laptop: TestDevice;
before(async () => {
  server = await startSyncServer();
  laptop = (await createSyncedAccount(server, { name: "laptop" })).first;
});
after(async () => {
  closeDevices(laptop);
  await server.close();
});

// Text from short to far past the limit, in characters of 1 to 4 bytes of UTF-8; the lengths
// crowd around the limit, where an off-by-some in the check would show.
const textArb: fc.Arbitrary<string> = fc
  .record({
    chunk: fc.constantFrom("a", "é", "漢", "😀", "\uFEFF", "a漢"),
    count: fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 15_000, max: 32_000 }),
      fc.integer({ min: 60_000, max: 65_536 }),
    ),
  })
  .map(({ chunk, count }) => chunk.repeat(Math.floor(count / chunk.length)));
const valueArb = (field: string): fc.Arbitrary<FieldValue> =>
  field === "urls" || field === "tags"
    ? fc.array(textArb, { maxLength: 4 })
    : field.startsWith("custom:")
      ? textArb.map((text) => ["hidden", text])
      : field === "title"
        ? textArb.map((text) => `t${text}`)
        : textArb;
const fieldArb = fc.constantFrom("title", "notes", "password", "username", "urls", "custom:pin");
const writeArb = fieldArb.chain((field) => fc.tuple(fc.constant(field), valueArb(field)));
const opArb = fc.oneof(
  fc.record({
    kind: fc.constant("add" as const),
    type: fc.constantFrom<ItemType>("login", "note"),
    writes: fc.array(writeArb, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("edit" as const),
    target: fc.nat(),
    writes: fc.array(writeArb, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constantFrom("trash" as const, "restore" as const, "purge" as const),
    target: fc.nat(),
  }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

const outboxLength = (vault: Vault) => expectOk(vault.sync.pending(100_000)).length;

const run = (vault: Vault, op: Op) => {
  if (op.kind === "add")
    return vault.add({
      type: op.type,
      fields: { title: "item", ...Object.fromEntries(op.writes) },
    });
  const items = vault.list({ trash: true });
  const target = items[op.target % Math.max(1, items.length)];
  if (target === undefined) return undefined;
  if (op.kind === "edit") return vault.edit(target.id, Object.fromEntries(op.writes));
  return op.kind === "trash"
    ? vault.trash(target.id)
    : op.kind === "restore"
      ? vault.restore(target.id)
      : vault.purge(target.id);
};

test("property: every change the vault accepts, the server accepts; the rest is refused at the edit and changes nothing", async () => {
  let refusedAtEdit = 0;
  // One device across runs (its vault grows as a user's does), so a failure is reported as found,
  // not shrunk: a smaller sequence on the same device would not replay it.
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 5 }), async (ops) => {
      const { vault } = laptop;
      for (const op of ops) {
        const before = outboxLength(vault);
        const result = run(vault, op);
        if (result === undefined || result.ok) continue;
        assert.ok(
          ["too-large", "invalid-field", "invalid-choice"].includes(result.error.kind),
          JSON.stringify(result.error).slice(0, 200),
        );
        if (result.error.kind === "too-large") refusedAtEdit++;
        assert.equal(outboxLength(vault), before, "a refused change leaves nothing queued");
      }
      const report = expectOk(await laptop.client.syncOnce());
      assert.equal(report.rejected, 0);
      assert.deepEqual(vault.sync.rejected(), []);
      const { pending, sent, ordered, rejected } = vault.sync.status();
      assert.deepEqual(
        { pending, sent, ordered, rejected },
        { pending: 0, sent: 0, ordered: 0, rejected: 0 },
      );
    }),
    {
      numRuns: 15,
      endOnFailure: true,
      // One change surely over the limit, so the check below does not rest on the draws (about
      // 1 in 10^8 runs draws none).
      examples: [[[{ kind: "add", type: "note", writes: [["notes", "漢".repeat(30_000)]] }]]],
    },
  );
  assert.ok(refusedAtEdit > 0, "some edits were over the limit");
});
