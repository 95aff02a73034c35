import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Item } from "./item.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { matchesFilter, sortItems } from "./search.ts";
import {
  createTestAccount,
  createTestHome,
  expectOk,
  seededDeps,
  steppingClock,
} from "./testing/test-home.ts";
import type { Vault } from "./vault.ts";
import { propertySeed, propertyRuns } from "@keypears/base/testing";

// Titles that tie under the collator (case, accents, the same title twice), so the id decides.
const TITLES = ["apple", "Apple", "äpple", "banana", "Banana", "cherry", "Zed", "zed ", "10", "9"];

type Op =
  | { readonly kind: "add"; readonly title: number }
  | { readonly kind: "rename"; readonly at: number; readonly title: number }
  | { readonly kind: "edit"; readonly at: number }
  | { readonly kind: "trash" | "restore" | "purge"; readonly at: number }
  | { readonly kind: "batch"; readonly titles: readonly number[]; readonly rollBack: boolean }
  | { readonly kind: "other-connection"; readonly title: number };

const index = fc.nat({ max: 1000 });
const title = fc.nat({ max: TITLES.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("add" as const), title }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("rename" as const), at: index, title }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("edit" as const), at: index }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom("trash" as const, "restore" as const, "purge" as const),
      at: index,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("batch" as const),
      titles: fc.array(title, { minLength: 1, maxLength: 4 }),
      rollBack: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant("other-connection" as const), title }), weight: 1 },
);

/** The list as a fresh sort of every item read one by one, not through the kept order. */
const freshList = (vault: Vault, ids: readonly string[], trash: boolean): readonly Item[] =>
  sortItems(
    ids
      .map((id) => vault.itemById(id))
      .filter((item): item is Item => item !== undefined && matchesFilter(item, { trash })),
  );

test("the list's kept order equals a fresh sort after random adds, edits, renames, trash and purges", async () => {
  // Items of equal titles sort by id: the ids follow from the seed too, so a replay is exact.
  const seed = propertySeed("sorted-items", "it, ids included");
  const clock = steppingClock();
  const home = createTestHome();
  try {
    const { vault } = await createTestAccount(home.path, "alice@localhost", {
      deps: seededDeps(seed, clock),
    });
    const other = expectOk(
      await unlockVault({
        home: home.path,
        address: "alice@localhost",
        password: "correct horse battery staple",
        deps: seededDeps(seed + 1, clock),
      }),
    );
    const ids: string[] = [];
    const pick = (at: number) => ids[at % ids.length] as string;
    const apply = (step: Op) => {
      switch (step.kind) {
        case "add":
          ids.push(expectOk(vault.add({ fields: { title: TITLES[step.title] as string } })).id);
          return;
        case "other-connection":
          ids.push(expectOk(other.add({ fields: { title: TITLES[step.title] as string } })).id);
          return;
        case "batch": {
          const added: string[] = [];
          try {
            vault.transact(() => {
              for (const t of step.titles) {
                added.push(expectOk(vault.add({ fields: { title: TITLES[t] as string } })).id);
                // Listed inside the transaction: what it sees must not outlive a rollback.
                assert.deepEqual(vault.list(), freshList(vault, [...ids, ...added], false));
              }
              if (step.rollBack) throw new Error("roll back");
            });
            ids.push(...added);
          } catch (error) {
            if (!step.rollBack) throw error;
          }
          return;
        }
        default: {
          if (ids.length === 0) return;
          const id = pick(step.at);
          const item = vault.itemById(id);
          if (item === undefined) return;
          if (step.kind === "rename")
            expectOk(vault.edit(id, { title: TITLES[step.title] as string }));
          else if (step.kind === "edit") expectOk(vault.edit(id, { username: `u${step.at}` }));
          else if (step.kind === "trash" && item.status === "live") expectOk(vault.trash(id));
          else if (step.kind === "restore" && item.status === "trashed")
            expectOk(vault.restore(id));
          else if (step.kind === "purge" && item.status === "trashed") expectOk(vault.purge(id));
        }
      }
    };
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (steps) => {
        for (const step of steps) {
          apply(step);
          const live = freshList(vault, ids, false);
          const first = vault.list();
          assert.deepEqual(first, live);
          // Listed again with nothing changed (the kept list): the same answer, and a caller that
          // changes the array it got changes nothing for the next one.
          (first as Item[]).reverse().push(first[0] as Item);
          assert.deepEqual(vault.list(), live);
          assert.deepEqual(vault.list({ trash: true }), freshList(vault, ids, true));
          assert.deepEqual(vault.list({ trash: false }), live);
        }
      }),
      { seed, numRuns: propertyRuns(40), verbose: 1 },
    );
    other.lock();
    vault.lock();
  } finally {
    home.remove();
  }
});
