/**
 * A page that breaks the protocol's shape (a repeated id, a gap, more events than asked) is a
 * protocol error with a message, never a raw database error; nothing of it is applied and the
 * vault stays usable. Unit cases, then a lying proxy in front of a real server.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChainHash, EventId, PullPage, StoredEvent } from "@keypears/sync-core";
import { GENESIS } from "@keypears/sync-core";
import { expectOk } from "@keypears/vault/testing";
import { checkPage } from "./page-check.ts";
import { describeSyncError } from "./sync-error.ts";
import { closeDevices, createSyncedAccount, serverForFile } from "./testing/harness.ts";
import {
  isPull,
  type PullPage as WirePage,
  rechain,
  startLyingProxy,
} from "./testing/lying-proxy.ts";

const event = (
  position: number,
  id = `0190a000-0000-7000-8000-${String(position).padStart(12, "0")}`,
): StoredEvent => ({
  id: id as EventId,
  payload: new Uint8Array([position]),
  position,
  chainHash: new Uint8Array(32) as ChainHash,
});
const page = (events: StoredEvent[], headPosition = events.at(-1)?.position ?? 0): PullPage => ({
  anchor: GENESIS,
  events,
  head: { position: headPosition, hash: GENESIS.hash },
});
const kindOf = (result: ReturnType<typeof checkPage>) => (result.ok ? "ok" : result.error.kind);

test("accepts a well-formed page and remembers its ids for the batch", () => {
  const seenIds = new Set<string>();
  assert.equal(
    kindOf(checkPage(page([event(1), event(2)]), { after: 0, limit: 5, seenIds })),
    "ok",
  );
  assert.equal(seenIds.size, 2);
  const again = checkPage(page([event(3, event(1).id)]), { after: 2, limit: 5, seenIds });
  assert.match(JSON.stringify(again), /appears twice/);
});

test("refuses a repeated id, or more events than asked for", () => {
  const check = (p: PullPage, after = 0, limit = 5) =>
    checkPage(p, { after, limit, seenIds: new Set() });
  const cases: [PullPage, RegExp, number?, number?][] = [
    [page([event(1), event(2, event(1).id)]), /appears twice/],
    [page([event(1), event(1)]), /appears twice/],
    [page([event(1), event(2), event(3)]), /3 events when 2 were asked/, 0, 2],
  ];
  for (const [p, message, after, limit] of cases) {
    const result = check(p, after, limit);
    assert.ok(!result.ok);
    assert.equal(result.error.kind, "protocol");
    assert.match(describeSyncError(result.error), message);
  }
});

const file = serverForFile();
const { cleanups } = file;

test("a page holding one event twice (chained consistently) is a protocol error, not a database error", async () => {
  const via = await startLyingProxy(file.server.url);
  cleanups.push(() => via.close());
  const account = await createSyncedAccount(file.server);
  const a = account.first;
  const b = await account.join("victim", {}, via.url);
  cleanups.push(() => closeDevices(a, b));
  for (const title of ["One", "Two"]) expectOk(a.vault.add({ fields: { title } }));
  await a.sync();
  via.attack = (exchange, body) => {
    if (!isPull(exchange)) return undefined;
    const served = body as WirePage;
    if (served.events.length === 0) return undefined;
    return rechain(served, [...served.events, served.events[0]!]);
  };
  const result = await b.client.syncOnce();
  assert.ok(!result.ok);
  assert.equal(result.error.kind, "protocol");
  const message = describeSyncError(result.error);
  assert.match(message, /appears twice/);
  assert.doesNotMatch(message, /Sqlite|UNIQUE/);
  assert.equal(b.vault.sync.verified().position, 0);
  expectOk(b.vault.add({ fields: { title: "still usable" } }));
  // Once the server behaves, the device syncs.
  via.attack = () => undefined;
  expectOk(await b.client.syncOnce());
  assert.ok(b.vault.list().some((item) => item.title === "One"));
});
