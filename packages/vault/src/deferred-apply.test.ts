/**
 * A pull applied in deferred batches (`ApplyOptions.defer`: the events and the checkpoint commit
 * with each batch, the touched items are written once at the end) ends exactly as the same events
 * applied at once: the same items, history and conflicts. Also when the process is killed
 * between batches, when a batch rolls back, when another connection edits a deferred item, and in
 * any split of the pull into batches (a property test). And a schema 6 file migrates.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  type Checkpoint,
  createMemoryEventStore,
  envelopeBytes,
  type EventStore,
  type StoredEvent,
  verifySegment,
} from "@keypears/sync-core";
import fc from "fast-check";
import { parseAddress } from "./address.ts";
import { vaultPath } from "./node/home.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { openSqlite } from "./node/node-sqlite.ts";
import { SCHEMA_VERSION } from "./schema.ts";
import { writePages } from "./testing/deferred-pull-child.ts";
import { devicesOfOneAccount, syncThrough } from "./testing/memory-devices.ts";
import { cheapDeps, createTestHome, expectOk, type TestHome } from "./testing/test-home.ts";
import type { Vault } from "./vault.ts";
import { propertySeed, propertyRuns } from "@keypears/base/testing";

const ADDRESS = "dee@example.com";
const PASSWORD = "correct horse battery staple";
const ITEMS = 12;
const homes: TestHome[] = [];

interface Page {
  readonly events: readonly StoredEvent[];
  readonly end: Checkpoint;
}

let server: EventStore;
/** A home of a device enrolled and synced up to the writer's second round: copied for each test. */
let pullerHome: TestHome;
/** The second round as pages of one event each, from the puller's verified checkpoint. */
let pages: Page[];
/** What a device that applied every page at once holds. */
let expected: string;
/** ... and one that applied the first `n` pages at once, by n. */
const expectedAfter = new Map<number, string>();

/** Everything a user can read back: items (live and trashed), each one's history, conflicts. */
const seen = (vault: Vault): string => {
  const items = [...vault.list(), ...vault.list({ trash: true })].sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  return JSON.stringify({
    items,
    history: items.map((item) => expectOk(vault.history(item.id))),
    // In no particular order (the order rows were written in).
    conflicts: [...vault.conflicts()].sort((a, b) => (a.item.id < b.item.id ? -1 : 1)),
  });
};

/**
 * Compares two `seen` results; a difference is named by its path (item index, field, entry),
 * never by the values there: they include the items' passwords.
 */
const sameAs = (actual: string, wanted: string, what = "the vault") => {
  if (actual === wanted) return;
  const firstDifference = (a: unknown, b: unknown, path: string): string => {
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return path;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const x = (a as Record<string, unknown>)[key];
      const y = (b as Record<string, unknown>)[key];
      if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${path}.${key}`);
    }
    return path;
  };
  assert.fail(
    `${what} differs from the reference at ${firstDifference(JSON.parse(actual), JSON.parse(wanted), "")}`,
  );
};

/** One page per event, each with the checkpoint it verifies to. */
const pagesAfter = async (vault: Vault): Promise<Page[]> => {
  let trusted = vault.sync.verified();
  const events = await server.readAfter(vault.vaultId, trusted.position, 100_000);
  return events.map((event) => {
    const end = expectOk(
      verifySegment({
        trusted,
        anchor: trusted,
        events: [{ ...event, bytes: envelopeBytes(event) }],
        head: { position: event.position, hash: event.chainHash },
      }),
    );
    trusted = end;
    return { events: [event], end };
  });
};

/** The pages from `from` to `to` as one batch. */
const joined = (from: number, to: number): Page => ({
  events: pages.slice(from, to).flatMap((page) => page.events),
  end: (pages[to - 1] as Page).end,
});

const copyOfPuller = (): TestHome => {
  const home = createTestHome();
  homes.push(home);
  cpSync(pullerHome.path, home.path, { recursive: true });
  return home;
};
const unlock = async (home: TestHome, deps = cheapDeps()): Promise<Vault> =>
  expectOk(await unlockVault({ home: home.path, address: ADDRESS, password: PASSWORD, deps }));
const deferredRows = (home: TestHome): number => {
  const db = openSqlite(vaultPath(home.path, expectOk(parseAddress(ADDRESS))));
  try {
    return (db.prepare("SELECT count(*) AS n FROM deferred_items").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

before(async () => {
  server = createMemoryEventStore();
  const { vaults, homes: deviceHomes } = await devicesOfOneAccount({
    address: ADDRESS,
    count: 3,
    deviceIdBase: 0xd0,
    homes,
    password: PASSWORD,
  });
  const [writer, other, puller] = vaults as [Vault, Vault, Vault];
  for (const vault of [writer, other, puller, writer, other]) await syncThrough(server, vault);
  // Round one: items every device holds before the pull.
  const ids = Array.from(
    { length: ITEMS },
    (_, i) =>
      expectOk(writer.add({ fields: { title: `Item ${i}`, username: `u${i}`, password: `p${i}` } }))
        .id,
  );
  await syncThrough(server, writer);
  await syncThrough(server, other);
  await syncThrough(server, puller);
  // Round two, what the puller pulls: new items, edits of old ones from two devices (concurrent
  // edits of one field: a conflict), a trash, a restore.
  for (let round = 0; round < 3; round++) {
    for (const [i, id] of ids.entries()) {
      if ((i + round) % 3 === 0) expectOk(writer.edit(id, { password: `w${round}-${i}` }));
      if ((i + round) % 4 === 0) expectOk(other.edit(id, { notes: `o${round}-${i}` }));
    }
    expectOk(writer.add({ fields: { title: `New ${round}`, password: `n${round}` } }));
  }
  expectOk(writer.edit(ids[1] as string, { username: "writer" }));
  expectOk(other.edit(ids[1] as string, { username: "other" }));
  expectOk(writer.trash(ids[2] as string));
  expectOk(other.trash(ids[3] as string));
  await syncThrough(server, writer);
  await syncThrough(server, other);
  await syncThrough(server, writer);
  expectOk(writer.restore(ids[3] as string));
  await syncThrough(server, writer);
  writer.lock();
  other.lock();

  pages = await pagesAfter(puller);
  puller.lock();
  pullerHome = deviceHomes[2] as TestHome;
  assert.ok(pages.length > 20, `the pull has many events (${pages.length})`);

  // The references: the same events, applied at once.
  const reference = await unlock(copyOfPuller());
  const cut = Math.floor(pages.length / 2);
  const first = joined(0, cut);
  expectOk(reference.sync.applyOrdered(first.events, first.end));
  expectedAfter.set(cut, seen(reference));
  const rest = joined(cut, pages.length);
  expectOk(reference.sync.applyOrdered(rest.events, rest.end));
  expected = seen(reference);
  assert.ok(JSON.parse(expected).conflicts.length > 0, "the pull holds a conflict");
  reference.lock();
});
after(() => {
  for (const home of homes) home.remove();
});

/** Applies pages [from, to) in batches of `size`, every batch deferred unless `last` and it ends at `to`. */
const applyIn = (vault: Vault, from: number, to: number, size: number, last: boolean) => {
  for (let start = from; start < to; start += size) {
    const end = Math.min(start + size, to);
    const batch = joined(start, end);
    expectOk(vault.sync.applyOrdered(batch.events, batch.end, { defer: !(last && end === to) }));
  }
};

test("a pull in deferred batches ends as the same events applied at once; history and edits see deferred events", async () => {
  const home = copyOfPuller();
  const vault = await unlock(home);
  try {
    const listed = JSON.stringify(vault.list());
    const cut = Math.floor(pages.length / 2);
    applyIn(vault, 0, cut, 5, false);
    assert.equal(vault.sync.verified().position, joined(0, cut).end.position);
    // Lists show the items as before the pull until they are written ...
    assert.equal(JSON.stringify(vault.list()), listed);
    assert.ok(deferredRows(home) > 0, "the batches deferred items");
    // ... while history reads each item's merge state, deferred events included.
    const item0 = expectOk(vault.history("Item 0"));
    const password0 = item0.fields.find((f) => f.name === "password");
    assert.ok(
      password0?.entries.some((entry) => entry.value === "w0-0"),
      "the history of a deferred item holds the pulled write",
    );
    applyIn(vault, cut, pages.length, 7, true);
    assert.equal(deferredRows(home), 0);
    sameAs(seen(vault), expected);
  } finally {
    vault.lock();
  }
});

test("a pull killed between deferred batches is written back at the next unlock, then goes on", async () => {
  const home = copyOfPuller();
  const cut = Math.floor(pages.length / 2);
  const file = join(home.path, "pages.json");
  writePages(file, [joined(0, 3), joined(3, cut)]);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "testing", "deferred-pull-child.ts"),
      home.path,
      ADDRESS,
      file,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, KEYPEARS_TEST_PASSWORD: PASSWORD },
    },
  );
  let said = "";
  child.stdout.setEncoding("utf8");
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: string) => {
      said += chunk;
      if (said.includes("deferred")) resolve();
    });
    child.on("exit", () => resolve());
  });
  child.kill("SIGKILL");
  await exited;
  assert.equal(said.trim(), `deferred ${joined(0, cut).end.position}`);
  assert.ok(deferredRows(home) > 0, "the killed pull left deferred items");

  const vault = await unlock(home);
  try {
    assert.equal(deferredRows(home), 0, "unlocking wrote them");
    assert.equal(vault.sync.verified().position, joined(0, cut).end.position);
    sameAs(seen(vault), expectedAfter.get(cut) as string, "after the crash");
    applyIn(vault, cut, pages.length, 4, true);
    sameAs(seen(vault), expected);
  } finally {
    vault.lock();
  }
});

test("a batch that rolls back after deferred ones loses none of them", async () => {
  const home = copyOfPuller();
  const vault = await unlock(home);
  try {
    const cut = Math.floor(pages.length / 2);
    applyIn(vault, 0, cut, 3, false);
    // A batch in which an item event takes the position of the item event before it (both in
    // their batch event's window, so both pass their checks): the insert fails, the whole batch
    // rolls back, and with it the decoded states the batch had changed in memory.
    const next = joined(cut, cut + 6);
    const broken = [...next.events] as StoredEvent[];
    const isItem = (event: StoredEvent | undefined) =>
      event !== undefined && (event.payload[0] === 3 || event.payload[1] === 1);
    const at = broken.findIndex((event, i) => i > 0 && isItem(event) && isItem(broken[i - 1]));
    assert.ok(at > 0, "two item events one after the other");
    broken[at] = {
      ...(broken[at] as StoredEvent),
      position: (broken[at - 1] as StoredEvent).position,
    };
    assert.throws(() => vault.sync.applyOrdered(broken, next.end, { defer: true }), /UNIQUE/);
    assert.equal(vault.sync.verified().position, joined(0, cut).end.position);
    assert.ok(deferredRows(home) > 0);
    applyIn(vault, cut, pages.length, 3, true);
    assert.equal(deferredRows(home), 0);
    sameAs(seen(vault), expected);
  } finally {
    vault.lock();
  }
});

test("another connection that edits a deferred item rebuilds it from its row and the pulled events", async () => {
  const home = copyOfPuller();
  const pulling = await unlock(home);
  const editing = await unlock(home);
  try {
    const cut = Math.floor(pages.length / 2);
    applyIn(pulling, 0, cut, 4, false);
    // "Item 0" has pulled writes in the deferred batches; its row does not hold them yet.
    const history = (vault: Vault) =>
      expectOk(vault.history("Item 0")).fields.flatMap((f) => f.entries.map((e) => e.eventId));
    const pulledWrites = history(pulling);
    assert.deepEqual(history(editing), pulledWrites, "the other connection reads them too");
    expectOk(editing.edit("Item 0", { username: "edited" }));
    // The pulling connection goes on; its decoded states were dropped (the file changed).
    applyIn(pulling, cut, pages.length, 4, true);
    const final = expectOk(pulling.history("Item 0"));
    const ids = final.fields.flatMap((f) => f.entries.map((e) => e.eventId));
    for (const id of pulledWrites) assert.ok(ids.includes(id), `history keeps ${id}`);
    assert.equal(
      expectOk(pulling.get("Item 0")).fields.find((f) => f.name === "username")?.value,
      "edited",
    );
    // Everything but that item is as the reference has it; that item, with one more write.
    const reference = JSON.parse(expected) as { items: { title: string }[] };
    const mine = JSON.parse(seen(pulling)) as { items: { title: string }[] };
    sameAs(
      JSON.stringify(mine.items.filter((i) => i.title !== "Item 0")),
      JSON.stringify(reference.items.filter((i) => i.title !== "Item 0")),
      "the other items",
    );
    assert.equal(ids.length, history(editing).length);
    assert.equal(ids.length, expectedHistoryLength("Item 0") + 1);
  } finally {
    pulling.lock();
    editing.lock();
  }
});

/** How many writes the reference's history of an item holds. */
const expectedHistoryLength = (title: string): number => {
  const parsed = JSON.parse(expected) as {
    items: { title: string }[];
    history: { fields: { entries: unknown[] }[] }[];
  };
  const index = parsed.items.findIndex((i) => i.title === title);
  return (parsed.history[index] as { fields: { entries: unknown[] }[] }).fields.reduce(
    (sum, f) => sum + f.entries.length,
    0,
  );
};

test("property: any split of a pull into batches, deferred or not, with restarts, ends as one batch", async () => {
  const seed = propertySeed("deferred-apply", "it");
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          size: fc.integer({ min: 1, max: 12 }),
          defer: fc.boolean(),
          restart: fc.boolean(),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      async (steps) => {
        const home = copyOfPuller();
        let vault = await unlock(home);
        try {
          let at = 0;
          for (const step of steps) {
            if (at >= pages.length) break;
            const end = Math.min(at + step.size, pages.length);
            const batch = joined(at, end);
            expectOk(vault.sync.applyOrdered(batch.events, batch.end, { defer: step.defer }));
            at = end;
            if (step.restart) {
              vault.lock();
              vault = await unlock(home);
            }
          }
          if (at < pages.length) applyIn(vault, at, pages.length, pages.length, true);
          expectOk(vault.sync.flushApplied());
          assert.equal(deferredRows(home), 0);
          sameAs(seen(vault), expected);
        } finally {
          vault.lock();
          home.remove();
        }
      },
    ),
    { seed, numRuns: propertyRuns(15) },
  );
});

test("a schema 6 file (before deferred items) migrates to the current schema and pulls in deferred batches", async () => {
  const home = copyOfPuller();
  const db = openSqlite(vaultPath(home.path, expectOk(parseAddress(ADDRESS))));
  db.exec(
    "DROP INDEX outbox_by_batch; ALTER TABLE outbox DROP COLUMN batch_id; DROP TABLE batch_covers; DROP TABLE deferred_items; PRAGMA user_version = 6",
  );
  db.close();
  const vault = await unlock(home);
  try {
    const file = openSqlite(vaultPath(home.path, expectOk(parseAddress(ADDRESS))));
    const version = (file.prepare("PRAGMA user_version").get() as { user_version: number })
      .user_version;
    file.close();
    assert.equal(version, SCHEMA_VERSION);
    applyIn(vault, 0, pages.length, 6, true);
    sameAs(seen(vault), expected);
  } finally {
    vault.lock();
  }
});

test("past the bound of deferred items, a deferred batch writes them all at once", async () => {
  const home = copyOfPuller();
  const vault = await unlock(home, cheapDeps({ maxDeferredItemsForTests: 3 }));
  try {
    // Single events: each batch touches one item, so the items wait until a fourth is deferred.
    let at = 0;
    const waiting: number[] = [];
    while (at < pages.length && waiting.length < 6) {
      applyIn(vault, at, at + 1, 1, false);
      at += 1;
      waiting.push(deferredRows(home));
    }
    assert.ok(
      waiting.some((n) => n > 0),
      `items waited: ${waiting.join()}`,
    );
    assert.ok(
      waiting.every((n) => n <= 3),
      `never more than the bound waiting: ${waiting.join()}`,
    );
    assert.ok(waiting.includes(0), `the bound wrote them: ${waiting.join()}`);
    applyIn(vault, at, pages.length, 5, true);
    sameAs(seen(vault), expected);
  } finally {
    vault.lock();
  }
});
