/**
 * The local-edit benchmark's systems: one field change committed by the vault (sealed event,
 * outbox entry, item state and view, in one SQLite transaction), alone and in
 * batches; and the limit beside it, a plain SQLite insert of the same bytes per transaction.
 */

import { rmSync } from "node:fs";
import { join } from "node:path";
import { describeVaultError, openSqlite, type Vault } from "@keypears/vault";
import type { ItemId } from "@keypears/sync-core";
import { createBenchAccount, benchAddress } from "../fixtures/bench-account.ts";
import { BENCH_DOMAIN } from "../lib/server-process.ts";
import { createPrng } from "../lib/prng.ts";
import type { EditReply, EditRequest, EditSize } from "./worker-protocol.ts";

export interface EditContender {
  readonly key: string;
  readonly label: string;
  readonly includes: string;
  /** Whether each edit is its own commit, so its latency is a commit's latency. */
  readonly perCommit: boolean;
  readonly prepare: (dir: string, size: EditSize) => Promise<(request: EditRequest) => EditReply>;
}

const BATCH = 100;
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!@#";

/** A vault of `size.items` logins on a synced address (edits go to the outbox, as on a real device). */
const vaultWithItems = async (
  dir: string,
  size: EditSize,
): Promise<{ vault: Vault; itemIds: ItemId[] }> => {
  const { vault } = await createBenchAccount(
    join(dir, "home"),
    benchAddress("edit"),
    `http://${BENCH_DOMAIN}`,
  );
  const prng = createPrng(0x6b70_0002);
  const itemIds = vault.transact(() =>
    Array.from({ length: size.items }, (_, i) => {
      const added = vault.add({
        fields: {
          title: `Login ${i}`,
          username: prng.text(12, alphabet),
          password: prng.text(20, alphabet),
        },
      });
      if (!added.ok) throw new Error(describeVaultError(added.error));
      return added.value.id;
    }),
  );
  return { vault, itemIds };
};

/** Edit `i` sets the password of a random item to a fresh 16-24 character value. */
const editLoop = (vault: Vault, itemIds: readonly ItemId[], seed: number) => {
  const prng = createPrng(seed);
  return (i: number): void => {
    const edited = vault.edit(itemIds[prng.below(itemIds.length)] as ItemId, {
      password: `${prng.text(16 + prng.below(9), alphabet)}${i}`,
    });
    if (!edited.ok) throw new Error(describeVaultError(edited.error));
  };
};

const editsOf = (size: EditSize, request: EditRequest): number =>
  request.kind === "warmup" ? Math.ceil(size.edits / 4) : size.edits;

const meanPendingPayload = (vault: Vault, count: number): number => {
  const pending = vault.sync.pending(count);
  if (!pending.ok) throw new Error(describeVaultError(pending.error));
  const recent = pending.value.slice(-count);
  return recent.reduce((sum, e) => sum + e.payload.length, 0) / Math.max(1, recent.length);
};

export const vaultEdit: EditContender = {
  key: "vault-edit",
  label: "KeyPears `vault.edit`, one commit per edit",
  includes:
    "KeyPears `vault.edit(id, { password })`: finds the item, opens and decodes its sealed merge state, makes the write based on the field's heads, seals the event (padded, XChaCha20-Poly1305), and commits in one SQLite transaction (WAL, synchronous = FULL: one flush to disk) the event, its outbox entry and the item's sealed state and view (history is read from the state).",
  perCommit: true,
  prepare: async (dir, size) => {
    const { vault, itemIds } = await vaultWithItems(dir, size);
    let seed = 1;
    return (request) => {
      const edit = editLoop(vault, itemIds, ++seed);
      const edits = editsOf(size, request);
      const latencies: number[] = [];
      const started = performance.now();
      for (let i = 0; i < edits; i++) {
        const t = performance.now();
        edit(i);
        latencies.push(performance.now() - t);
      }
      const ms = performance.now() - started;
      return { ms, latencies, meanPayloadBytes: meanPendingPayload(vault, edits) };
    };
  },
};

export const vaultEditBatched: EditContender = {
  key: "vault-edit-batched",
  label: `KeyPears \`vault.edit\`, ${BATCH} per \`vault.transact\``,
  includes: `KeyPears, batched: the same edits, ${BATCH} per \`vault.transact\` (one disk flush per batch), as an import or a bulk change commits: what an edit costs besides its flush.`,
  perCommit: false,
  prepare: async (dir, size) => {
    const { vault, itemIds } = await vaultWithItems(dir, size);
    let seed = 1_000;
    return (request) => {
      const edit = editLoop(vault, itemIds, ++seed);
      const edits = editsOf(size, request);
      const started = performance.now();
      for (let start = 0; start < edits; start += BATCH) {
        vault.transact(() => {
          for (let i = start; i < Math.min(edits, start + BATCH); i++) edit(i);
        });
      }
      return { ms: performance.now() - started, latencies: [] };
    };
  },
};

export const sqliteInsert: EditContender = {
  key: "sqlite-insert",
  label: "Limit: SQLite INSERT of the same bytes, one commit each",
  includes:
    "Limit: one INSERT of an id and as many bytes as the vault's mean sealed event per transaction, through the vault's own `openSqlite` (WAL, synchronous = FULL), on disk: the cost of a commit's flush, with no crypto and no merge.",
  perCommit: true,
  prepare: async (dir, size) => {
    const path = join(dir, "limit.sqlite");
    rmSync(path, { force: true });
    const db = openSqlite(path);
    db.exec("CREATE TABLE events (id TEXT PRIMARY KEY, payload BLOB NOT NULL) STRICT");
    const insert = db.prepare("INSERT INTO events (id, payload) VALUES (?, ?)");
    let next = 0;
    return (request) => {
      const payload = new Uint8Array(Math.round(request.payloadBytes)).fill(0xa5);
      const edits = editsOf(size, request);
      const latencies: number[] = [];
      const started = performance.now();
      for (let i = 0; i < edits; i++) {
        const t = performance.now();
        const id = `event-${++next}`;
        db.transaction(() => insert.run(id, payload));
        latencies.push(performance.now() - t);
      }
      return { ms: performance.now() - started, latencies };
    };
  },
};

export const editContenders: readonly EditContender[] = [vaultEdit, vaultEditBatched, sqliteInsert];

export const editContenderByKey = (key: string): EditContender => {
  const found = editContenders.find((c) => c.key === key);
  if (found === undefined) throw new Error(`unknown local-edit contender ${key}`);
  return found;
};
