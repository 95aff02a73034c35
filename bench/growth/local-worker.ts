/**
 * What a person does with a grown vault, in its own process: open it, list it, search it, edit
 * one item; beside each, the raw SQLite limit on a table of as many rows. Usage (started by the
 * growth benchmark):
 *   node --import tsx --expose-gc local-worker.ts <device-home> <account.json> <scratch-dir>
 *
 * The device is a copy of the vault history's first device (every item written through the vault
 * API, ten writes per item). Each request opens it afresh (so the first list is a new process's
 * first list, with the file in the OS cache), then times the steps.
 */

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ItemId } from "@keypears/sync-core";
import { describeVaultError, openSqlite, unlockVault } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import type { BenchAccount } from "../fixtures/bench-account.ts";
import { collectGarbage } from "../lib/gc.ts";
import { createPrng } from "../lib/prng.ts";
import { percentiles } from "../lib/stats.ts";
import { timed } from "../lib/timing.ts";
import { serveRequests } from "../lib/worker-process.ts";
import type { LocalReply, LocalRequest } from "./protocol.ts";

const [home, accountFile, scratchDir] = process.argv.slice(2);
if (home === undefined || accountFile === undefined || scratchDir === undefined) {
  throw new Error("usage: local-worker.ts <device-home> <account.json> <scratch-dir>");
}
const account = JSON.parse(readFileSync(accountFile, "utf8")) as BenchAccount;
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!@#";
/** Two characters: a search that scans every item and finds a few. */
const SEARCH = "Kp";

let round = 0;

const measureVault = async (edits: number) => {
  collectGarbage();
  const { ms: unlockMs, result: unlocked } = await timedAsync(() =>
    unlockVault({ home, address: account.address, password: account.password, deps: cheapDeps() }),
  );
  if (!unlocked.ok) throw new Error(describeVaultError(unlocked.error));
  const vault = unlocked.value;
  try {
    const first = timed(() => vault.list());
    const again = timed(() => vault.list());
    const search = timed(() => vault.list({ search: SEARCH }));
    const itemIds = first.result.map((item) => item.id as ItemId);
    const prng = createPrng(0x6b70_0100 + ++round);
    const latencies: number[] = [];
    for (let i = 0; i < edits; i++) {
      const id = itemIds[prng.below(itemIds.length)] as ItemId;
      const password = `${prng.text(16 + prng.below(9), alphabet)}${i}`;
      const t = performance.now();
      const edited = vault.edit(id, { password });
      latencies.push(performance.now() - t);
      if (!edited.ok) throw new Error(describeVaultError(edited.error));
    }
    return {
      items: first.result.length,
      unlockMs,
      firstListMs: first.ms,
      listMs: again.ms,
      searchMs: search.ms,
      editP50Ms: percentiles(latencies).p50,
    };
  } finally {
    vault.lock();
  }
};

/** The limit: a plain table of `rows` rows of view-sized bytes on disk: read them all, insert one per commit. */
const measureLimit = (rows: number, rowBytes: number, edits: number) => {
  const path = join(scratchDir, "limit.sqlite");
  rmSync(path, { force: true });
  const db = openSqlite(path);
  try {
    db.exec("CREATE TABLE items (id TEXT PRIMARY KEY, view BLOB NOT NULL) STRICT");
    const insert = db.prepare("INSERT INTO items (id, view) VALUES (?, ?)");
    const payload = new Uint8Array(rowBytes).fill(0xa5);
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`item-${i}`, payload);
    });
    collectGarbage();
    const select = db.prepare("SELECT id, view FROM items");
    const read = timed(() => select.all());
    if (read.result.length !== rows) throw new Error(`the limit read ${read.result.length} rows`);
    const latencies: number[] = [];
    for (let i = 0; i < edits; i++) {
      const t = performance.now();
      db.transaction(() => insert.run(`edit-${i}`, payload));
      latencies.push(performance.now() - t);
    }
    return { readMs: read.ms, insertP50Ms: percentiles(latencies).p50 };
  } finally {
    db.close();
    rmSync(path, { force: true });
  }
};

const timedAsync = async <T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> => {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
};

serveRequests<LocalRequest, LocalReply>(async (request) => {
  const vault = await measureVault(request.edits);
  const limit = measureLimit(vault.items, request.rowBytes, request.edits);
  return { ...vault, limitReadMs: limit.readMs, limitInsertP50Ms: limit.insertP50Ms };
});
