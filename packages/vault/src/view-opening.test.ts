import assert from "node:assert/strict";
import { test } from "node:test";
import type { Item } from "./item.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/test-home.ts";
import type { Vault } from "./vault.ts";
import { openViewsAsJson, type ViewOpener } from "./view-opening.ts";

const ITEMS = 1200;

/** A vault of `ITEMS` logins, and a second connection to its file that never preloads. */
const withVault = async (run: (vault: Vault, plain: Vault) => Promise<void>) => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path);
  try {
    expectOk(
      vault.addMany(
        Array.from({ length: ITEMS }, (_, i) => ({
          type: "login" as const,
          fields: { title: `Item ${ITEMS - i}`, username: `user${i}` },
        })),
      ),
    );
    vault.lock();
    const unlock = async () =>
      expectOk(
        await unlockVault({
          home: home.path,
          address: "alice@localhost",
          password: "correct horse battery staple",
          deps: cheapDeps(),
        }),
      );
    const preloading = await unlock();
    const plain = await unlock();
    try {
      await run(preloading, plain);
    } finally {
      preloading.lock();
      plain.lock();
    }
  } finally {
    home.remove();
  }
};

/** What a helper thread runs, here in this thread: the views opened with the store key alone. */
const opener =
  (seen: { rows: number; calls: number }): ViewOpener =>
  async ({ storeKey, vaultId, rows }) => {
    seen.rows += rows.length;
    seen.calls += 1;
    return JSON.parse(openViewsAsJson(storeKey, vaultId, rows)) as (Item | null)[];
  };

test("a preload hands most views to the opener, opens the rest itself, and lists what opening them here lists", async () => {
  await withVault(async (vault, plain) => {
    const seen = { rows: 0, calls: 0 };
    await vault.preloadItems(opener(seen));
    assert.ok(seen.rows >= ITEMS / 2 && seen.rows < ITEMS, `${seen.rows} rows went to the opener`);
    assert.ok(seen.calls >= 2, "the views go to the opener a page at a time, as they are read");
    assert.deepEqual(vault.list(), plain.list());
    assert.equal(vault.list().length, ITEMS);
  });
});

test("the list is served from what the preload opened", async () => {
  await withVault(async (vault) => {
    // An opener that marks what it opened: the marked titles are the ones the list then shows.
    const marking: ViewOpener = async (request) =>
      (await opener({ rows: 0, calls: 0 })(request)).map((item) =>
        item === null ? null : { ...item, title: `${item.title} (opened there)` },
      );
    await vault.preloadItems(marking);
    const marked = vault.list().filter((item) => item.title.endsWith("(opened there)"));
    assert.ok(marked.length >= ITEMS / 2 && marked.length < ITEMS, `${marked.length} marked`);
  });
});

test("an item written while the opener works is read again, not served as it was", async () => {
  await withVault(async (vault, plain) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const requests: Parameters<ViewOpener>[0][] = [];
    const slow: ViewOpener = async (request) => {
      requests.push(request);
      await gate;
      return opener({ rows: 0, calls: 0 })(request);
    };
    const preloading = vault.preloadItems(slow);
    const first = requests[0]?.rows[0];
    assert.ok(first !== undefined, "the opener was given views at once");
    expectOk(vault.edit(first.id, { username: "changed meanwhile" }));
    const added = expectOk(vault.add({ type: "login", fields: { title: "Added meanwhile" } }));
    release();
    await preloading;
    const listed = vault.list();
    assert.equal(
      listed.find((item) => item.id === first.id)?.fields.find((f) => f.name === "username")?.value,
      "changed meanwhile",
    );
    assert.ok(listed.some((item) => item.id === added.id));
    assert.deepEqual(
      listed.map((item) => item.id),
      plain.list().map((item) => item.id),
    );
  });
});

test("a share the opener fails to open is opened here; a view it cannot open is a problem", async () => {
  await withVault(async (vault, plain) => {
    let calls = 0;
    let refused: string | undefined;
    const flaky: ViewOpener = async (request) => {
      const call = ++calls;
      if (call === 1) throw new Error("the helper went away");
      const items = await opener({ rows: 0, calls: 0 })(request);
      if (call === 2) {
        refused = request.rows[0]?.id;
        return items.map((item, i) => (i === 0 ? null : item));
      }
      return items;
    };
    await vault.preloadItems(flaky);
    assert.ok(refused !== undefined);
    assert.deepEqual(
      vault.problems().map((problem) => problem.id),
      [refused],
    );
    assert.deepEqual(
      vault.list().map((item) => item.id),
      plain
        .list()
        .map((item) => item.id)
        .filter((id) => id !== refused),
    );
  });
});
