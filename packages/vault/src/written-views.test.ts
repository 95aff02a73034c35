/**
 * The views a vault has just written are listed from memory once they commit (an import or a
 * sync then lists without opening what it sealed), and are exactly what reading them back from
 * the file gives; a rollback or another connection's commit is never hidden by them.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { unlockVault } from "./node/node-accounts.ts";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  seededDeps,
  steppingClock,
} from "./testing/test-home.ts";
import type { Vault } from "./vault.ts";
import type { Item } from "./item.ts";
import { openViewsAsJson, type ViewOpener } from "./view-opening.ts";
import { propertySeed, propertyRuns } from "@keypears/base/testing";

const PASSWORD = "correct horse battery staple";

/** `seed`: every connection's ids and clock follow from it (`seededDeps`), for a property test. */
const withWriterAndReader = async (
  run: (writer: Vault, reopen: () => Promise<Vault>) => Promise<void>,
  seed?: number,
) => {
  const home = createTestHome();
  const clock = steppingClock();
  let connections = 0;
  const deps = () => (seed === undefined ? cheapDeps() : seededDeps(seed + connections++, clock));
  const { vault } = await createTestAccount(home.path, "alice@localhost", { deps: deps() });
  const opened: Vault[] = [vault];
  const reopen = async () => {
    const other = expectOk(
      await unlockVault({
        home: home.path,
        address: "alice@localhost",
        password: PASSWORD,
        deps: deps(),
      }),
    );
    opened.push(other);
    return other;
  };
  try {
    await run(vault, reopen);
  } finally {
    for (const v of opened) v.lock();
    home.remove();
  }
};

/** An opener that notes the views it is asked to open (a preload asks only when it must). */
const notingOpener =
  (asked: Set<string>): ViewOpener =>
  async (request) => {
    for (const row of request.rows) asked.add(row.id);
    return JSON.parse(
      openViewsAsJson(request.storeKey, request.vaultId, request.rows),
    ) as (Item | null)[];
  };

test("the items a vault just wrote are listed without opening a view, and equal what the file holds", async () => {
  await withWriterAndReader(async (writer, reopen) => {
    expectOk(
      writer.addMany(
        Array.from({ length: 300 }, (_, i) => ({
          type: "login" as const,
          fields: { title: `Item ${i}`, username: `user${i}`, tags: ["a", `t${i % 7}`] },
        })),
      ),
    );
    const asked = new Set<string>();
    await writer.preloadItems(notingOpener(asked));
    const written = writer.list().filter((item) => item.title.startsWith("Item "));
    assert.equal(written.length, 300);
    assert.deepEqual(
      written.filter((item) => asked.has(item.id)).map((item) => item.title),
      [],
      "no view this vault wrote was opened again",
    );
    const fromFile = await reopen();
    assert.deepStrictEqual(writer.list(), fromFile.list());
    assert.equal(writer.list().length, 300);
  });
});

test("a rolled-back write is not listed from memory", async () => {
  await withWriterAndReader(async (writer, reopen) => {
    const item = expectOk(
      writer.add({ type: "login", fields: { title: "Kept", username: "before" } }),
    );
    assert.throws(
      () =>
        writer.transact(() => {
          expectOk(writer.edit(item.id, { username: "rolled back" }));
          expectOk(writer.add({ type: "login", fields: { title: "Never added" } }));
          throw new Error("roll back");
        }),
      /roll back/,
    );
    const fromFile = await reopen();
    assert.deepStrictEqual(writer.list(), fromFile.list());
    assert.deepEqual(
      writer.list().map((i) => [i.title, i.fields.find((f) => f.name === "username")?.value]),
      [["Kept", "before"]],
    );
  });
});

test("another connection's commit replaces what this one wrote", async () => {
  await withWriterAndReader(async (writer, reopen) => {
    const item = expectOk(
      writer.add({ type: "login", fields: { title: "Shared", username: "mine" } }),
    );
    const other = await reopen();
    expectOk(other.edit(item.id, { username: "theirs" }));
    const listed = writer.list().find((i) => i.id === item.id);
    assert.equal(listed?.fields.find((f) => f.name === "username")?.value, "theirs");
    assert.deepStrictEqual(writer.list(), other.list());
  });
});

type Step =
  | { readonly kind: "add"; readonly title: string }
  | { readonly kind: "edit"; readonly index: number; readonly username: string }
  | { readonly kind: "trash" | "restore" | "purge"; readonly index: number }
  | { readonly kind: "list" }
  | { readonly kind: "rollback"; readonly title: string; readonly index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), title: fc.string({ maxLength: 12 }) }),
  fc.record({
    kind: fc.constant("edit" as const),
    index: fc.nat(),
    username: fc.string({ maxLength: 12 }),
  }),
  fc.record({
    kind: fc.constantFrom("trash" as const, "restore" as const, "purge" as const),
    index: fc.nat(),
  }),
  fc.record({ kind: fc.constant("list" as const) }),
  fc.record({
    kind: fc.constant("rollback" as const),
    title: fc.string({ maxLength: 12 }),
    index: fc.nat(),
  }),
);

test("property: after any writes, lists and rollbacks, the list from memory is the list from the file", async () => {
  const seed = propertySeed("written-views", "it, ids included");
  await withWriterAndReader(async (writer, reopen) => {
    const reader = await reopen();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), async (steps) => {
        const ids = () =>
          writer
            .list({ trash: false })
            .concat(writer.list({ trash: true }))
            .map((i) => i.id);
        for (const s of steps) {
          const all = ids();
          const target =
            all.length === 0 ? undefined : all[("index" in s ? s.index : 0) % all.length];
          switch (s.kind) {
            case "add":
              // A blank title is refused, and a refusal writes nothing.
              writer.add({ type: "login", fields: { title: s.title } });
              break;
            case "edit":
              if (target !== undefined) writer.edit(target, { username: s.username || "u" });
              break;
            case "trash":
            case "restore":
            case "purge":
              // May refuse (not live, not trashed): a refusal writes nothing.
              if (target !== undefined) writer[s.kind](target);
              break;
            case "list":
              writer.list();
              break;
            case "rollback":
              try {
                writer.transact(() => {
                  writer.add({ type: "login", fields: { title: s.title || "gone" } });
                  if (target !== undefined) writer.edit(target, { username: "rolled back" });
                  throw new Error("roll back");
                });
              } catch {
                // expected
              }
              break;
          }
        }
        for (const trash of [false, true]) {
          assert.deepStrictEqual(writer.list({ trash }), reader.list({ trash }));
        }
      }),
      { seed, numRuns: propertyRuns(60) },
    );
  }, seed);
});
