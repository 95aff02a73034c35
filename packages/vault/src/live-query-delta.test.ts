import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Item } from "./item.ts";
import {
  foldLiveDelta,
  type LiveCursor,
  type LiveDelta,
  type LiveResult,
  listRow,
  runLiveDelta,
} from "./live-query.ts";
import { unlockVault } from "./node/node-accounts.ts";
import type { ListFilter } from "./search.ts";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  seededDeps,
} from "./testing/test-home.ts";
import type { Vault } from "./vault.ts";
import { propertySeed, propertyRuns } from "@keypears/base/testing";

type ListQuery = { readonly kind: "list" | "rows"; readonly filter?: ListFilter };

/** Follows a list query by deltas, synchronously, as the live-query loop does after each commit. */
const follower = (vault: Vault, query: ListQuery) => {
  let cursor: LiveCursor | undefined;
  let last: { value: LiveResult<ListQuery> } | undefined;
  return {
    step: (): { delta: LiveDelta<ListQuery>; changed: boolean } => {
      const delta = runLiveDelta(vault, query, cursor);
      cursor = delta.cursor;
      const folded = foldLiveDelta(last, delta);
      last = { value: folded.value };
      return { delta, changed: folded.changed };
    },
    value: () => last?.value,
  };
};

test("after a local edit, a live list's run is one changed row, not the whole list", async () => {
  const home = createTestHome();
  try {
    const { vault } = await createTestAccount(home.path);
    const items = expectOk(
      vault.addMany(
        Array.from({ length: 50 }, (_, i) => ({ fields: { title: `Item ${i}`, username: "u" } })),
      ),
    );
    const list = follower(vault, { kind: "list" });
    assert.equal(list.step().delta.kind, "full");
    const target = items[7] as Item;
    expectOk(vault.edit(target.id, { username: "changed" }));
    const { delta, changed } = list.step();
    assert.equal(delta.kind, "rows");
    assert.deepEqual(delta.kind === "rows" ? delta.rows.map((row) => row.id) : [], [target.id]);
    assert.ok(changed);
    assert.deepEqual(list.value(), vault.list());
    // Nothing written: an empty delta, and no new result.
    const idle = list.step();
    assert.deepEqual(idle.delta.kind === "rows" ? idle.delta.rows : null, []);
    assert.ok(!idle.changed);
    vault.lock();
  } finally {
    home.remove();
  }
});

test("a live item nobody wrote runs as 'same'; a commit by another connection makes a full run", async () => {
  const home = createTestHome();
  try {
    const { vault } = await createTestAccount(home.path, "bob@localhost");
    const mail = expectOk(vault.add({ fields: { title: "Mail", password: "one" } }));
    expectOk(vault.add({ fields: { title: "Bank" } }));
    const query = { kind: "item", ref: mail.id } as const;
    const first = runLiveDelta(vault, query);
    assert.equal(first.kind, "full");
    expectOk(vault.edit("Bank", { username: "b" }));
    assert.equal(runLiveDelta(vault, query, first.cursor).kind, "same");
    const other = expectOk(
      await unlockVault({
        home: home.path,
        address: "bob@localhost",
        password: "correct horse battery staple",
        deps: cheapDeps(),
      }),
    );
    expectOk(other.edit("Bank", { username: "c" }));
    const list = follower(vault, { kind: "list" });
    list.step();
    expectOk(other.edit("Mail", { password: "two" }));
    // The other connection's writes are not in this vault's journal: everything is read again.
    const after = list.step();
    assert.equal(after.delta.kind, "full");
    assert.deepEqual(list.value(), vault.list());
    assert.equal(runLiveDelta(vault, { kind: "list" }, "not a cursor").kind, "full");
    other.lock();
    vault.lock();
  } finally {
    home.remove();
  }
});

const FILTERS: readonly ListFilter[] = [
  {},
  { trash: true },
  { search: "a" },
  { type: "note" },
  { favorite: true },
  { tag: "work" },
];

type Action =
  | { readonly kind: "add"; readonly title: string; readonly note: boolean }
  | { readonly kind: "title"; readonly item: number; readonly title: string }
  | { readonly kind: "favourite"; readonly item: number; readonly on: boolean }
  | { readonly kind: "tag"; readonly item: number }
  | { readonly kind: "trash" | "restore" | "purge"; readonly item: number }
  | { readonly kind: "rolled-back"; readonly item: number; readonly title: string }
  | { readonly kind: "run" };

const titleArb = fc.constantFrom("a", "B", "ab", "Ä", "b", "zeta", "Alpha", "");
const itemArb = fc.nat({ max: 20 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), title: titleArb, note: fc.boolean() }),
  fc.record({ kind: fc.constant("title" as const), item: itemArb, title: titleArb }),
  fc.record({ kind: fc.constant("favourite" as const), item: itemArb, on: fc.boolean() }),
  fc.record({ kind: fc.constant("tag" as const), item: itemArb }),
  fc.record({ kind: fc.constantFrom("trash", "restore", "purge"), item: itemArb }),
  fc.record({ kind: fc.constant("rolled-back" as const), item: itemArb, title: titleArb }),
  fc.record({ kind: fc.constant("run" as const) }),
);

test("property: a live list folded from deltas always equals the list run in full", async () => {
  const seed = propertySeed("live-query-delta", "it, ids included");
  const home = createTestHome();
  try {
    const { vault } = await createTestAccount(home.path, "alice@localhost", {
      deps: seededDeps(seed),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 30 }), async (actions) => {
        // Each run starts from the vault as the previous left it: the lists keep growing.
        const followers = FILTERS.flatMap((filter) =>
          (["list", "rows"] as const).map((kind) => ({
            filter,
            kind,
            list: follower(vault, { kind, filter }),
          })),
        );
        const ids = (): string[] => [
          ...vault.list().map((i) => i.id),
          ...vault.list({ trash: true }).map((i) => i.id),
        ];
        const check = (): void => {
          for (const { filter, kind, list } of followers) {
            list.step();
            const full = vault.list(filter);
            assert.deepEqual(
              list.value(),
              kind === "rows" ? full.map(listRow) : full,
              `${kind} ${JSON.stringify(filter)}`,
            );
          }
        };
        check();
        for (const action of actions) {
          const all = ids();
          const id = "item" in action ? all[action.item % Math.max(1, all.length)] : undefined;
          switch (action.kind) {
            case "add":
              expectOk(
                vault.add({
                  ...(action.note ? { type: "note" as const } : {}),
                  fields: { title: action.title === "" ? "untitled" : action.title },
                }),
              );
              break;
            case "title":
              if (id !== undefined && action.title !== "") vault.edit(id, { title: action.title });
              break;
            case "favourite":
              if (id !== undefined) vault.edit(id, { favorite: action.on });
              break;
            case "tag":
              if (id !== undefined) vault.edit(id, { tags: ["work"] });
              break;
            case "trash":
            case "restore":
            case "purge":
              if (id !== undefined) vault[action.kind](id);
              break;
            case "rolled-back":
              if (id !== undefined)
                assert.throws(() =>
                  vault.transact(() => {
                    vault.edit(id, { title: `${action.title}x` });
                    throw new Error("abandon");
                  }),
                );
              break;
            case "run":
              check();
              break;
          }
        }
        check();
      }),
      { seed, numRuns: propertyRuns(25) },
    );
    vault.lock();
  } finally {
    home.remove();
  }
});
