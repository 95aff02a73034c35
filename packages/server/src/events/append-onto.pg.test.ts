import { bytesEqual, utf8ToBytes } from "@keypears/base";
import { boundedIt } from "@keypears/base/testing";
import {
  chainStep,
  checkpointsEqual,
  createIdFactory,
  envelopeBytes,
  GENESIS,
  hashEvent,
  createVaultId,
  type EventEnvelope,
  systemDeps,
  type VaultId,
} from "@keypears/sync-core";
import assert from "node:assert/strict";
import fc from "fast-check";
import { after, before, describe } from "node:test";
import { migrate } from "../sql/migrate.ts";
import { createPgClient } from "../sql/pg-client.ts";
import { createPgliteClient } from "../sql/pglite-client.ts";
import type { SqlClient } from "../sql/sql-client.ts";
import { createFreshPostgresDatabase } from "../testing/fresh-postgres.ts";
import { NOTICE_CHANNEL } from "../realtime/notices.ts";
import {
  type AppendBase,
  createPgEventStore,
  knownEventOf,
  type PgEventStore,
} from "./pg-event-store.ts";

const it = boundedIt();
const ids = createIdFactory(systemDeps);
const newVault = (): VaultId => createVaultId(systemDeps.randomBytes);
const envelope = (text: string): EventEnvelope => ({
  id: ids.eventId(),
  payload: utf8ToBytes(text),
});

/**
 * What the push preflight reads: the head and the batch's ids the log already holds, from the
 * rows (pruned payloads included).
 */
const readBase = async (
  sql: SqlClient,
  store: PgEventStore,
  vaultId: VaultId,
  batch: readonly EventEnvelope[],
): Promise<AppendBase> => {
  const rows = await sql.query(
    `SELECT event_id, position, event_hash, chain_hash FROM events
     WHERE vault_id = $1 AND event_id = ANY($2::uuid[])`,
    [vaultId, batch.map((event) => event.id)],
  );
  return {
    head: await store.head(vaultId),
    knownById: new Map(rows.map((row) => [String(row.event_id), knownEventOf(row)])),
  };
};

const ok = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  assert.ok(result.ok, `expected ok, got ${JSON.stringify(result)}`);
  return result.value;
};

/** A vault's log row, as `createVault` makes it. */
const createLog = async (sql: SqlClient, vaultId: VaultId) => {
  await sql.query("INSERT INTO vault_logs (vault_id, head_hash) VALUES ($1, $2)", [
    vaultId,
    GENESIS.hash,
  ]);
};

const describeAppendOnto = (
  name: string,
  open: () => Promise<{ sql: SqlClient; close: () => Promise<void> }>,
) => {
  describe(`appendOnto: ${name}`, () => {
    let sql: SqlClient;
    let close: () => Promise<void>;
    let store: PgEventStore;
    before(async () => {
      ({ sql, close } = await open());
      await migrate(sql);
      store = createPgEventStore(sql);
    });
    after(async () => close());

    it("appends on a fresh base exactly what append would, and notifies the new head", async () => {
      const [one, two] = [newVault(), newVault()];
      await createLog(sql, one);
      await createLog(sql, two);
      const notices: string[] = [];
      const stop = await sql.listen(NOTICE_CHANNEL, (payload) => notices.push(payload));
      const batch = [envelope("a"), envelope("b"), envelope("c")];
      const onto = ok(await store.appendOnto(one, await readBase(sql, store, one, batch), batch));
      const plain = ok(await store.append(two, batch));
      assert.deepEqual(
        onto.events.map((event) => [event.position, event.duplicate]),
        [
          [1, false],
          [2, false],
          [3, false],
        ],
      );
      for (const [index, event] of onto.events.entries()) {
        assert.ok(bytesEqual(event.chainHash, plain.events[index]?.chainHash ?? new Uint8Array()));
      }
      assert.ok(checkpointsEqual(await store.head(one), onto.head));
      assert.deepEqual(
        (await store.readAfter(one, 0, 10)).map((event) => event.id),
        batch.map((event) => event.id),
      );
      // Up to 10 s (a notice takes ms; 1 s could be missed on a loaded machine).
      for (let i = 0; i < 500 && !notices.some((n) => n.startsWith(`h ${one} 3 `)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await stop();
      assert.ok(
        notices.some((n) => n.startsWith(`h ${one} 3 `)),
        notices.join("\n"),
      );
    });

    it("falls back to the locked append when another append moved the head since the base was read", async () => {
      const vault = newVault();
      await createLog(sql, vault);
      const mine = [envelope("mine 1"), envelope("mine 2")];
      const base = await readBase(sql, store, vault, mine);
      const theirs = ok(await store.append(vault, [envelope("theirs")]));
      const result = ok(await store.appendOnto(vault, base, mine));
      assert.deepEqual(
        result.events.map((event) => event.position),
        [2, 3],
      );
      assert.equal(theirs.head.position, 1);
      assert.equal((await store.head(vault)).position, 3);
      assert.equal((await store.readAfter(vault, 0, 10)).length, 3);
    });

    it("answers a retry whose first try committed after the base was read with duplicates", async () => {
      const vault = newVault();
      await createLog(sql, vault);
      const batch = [envelope("x"), envelope("y")];
      const base = await readBase(sql, store, vault, batch);
      const first = ok(await store.append(vault, batch));
      const retry = ok(await store.appendOnto(vault, base, batch));
      assert.deepEqual(
        retry.events.map((event) => [event.position, event.duplicate]),
        [
          [1, true],
          [2, true],
        ],
      );
      assert.ok(checkpointsEqual(retry.head, first.head));
      assert.equal((await store.readAfter(vault, 0, 10)).length, 2);
    });

    it("refuses an id reused with another payload and stores nothing of the batch", async () => {
      const vault = newVault();
      await createLog(sql, vault);
      const taken = envelope("first");
      ok(await store.append(vault, [taken]));
      const batch = [envelope("new"), { id: taken.id, payload: utf8ToBytes("other") }];
      const result = await store.appendOnto(vault, await readBase(sql, store, vault, batch), batch);
      assert.deepEqual(result, { ok: false, error: { kind: "id-reused", id: taken.id } });
      assert.equal((await store.head(vault)).position, 1);
    });

    it("keeps every event and one chain when many pushes race on one vault", async () => {
      const vault = newVault();
      await createLog(sql, vault);
      const batches = Array.from({ length: 12 }, (_, b) =>
        Array.from({ length: 3 }, (_, i) => envelope(`batch ${b} event ${i}`)),
      );
      const results = await Promise.all(
        batches.map(async (batch) =>
          ok(await store.appendOnto(vault, await readBase(sql, store, vault, batch), batch)),
        ),
      );
      const positions = results.flatMap((result) => result.events.map((event) => event.position));
      assert.deepEqual(
        [...positions].sort((a, b) => a - b),
        Array.from({ length: 36 }, (_, i) => i + 1),
      );
      const stored = await store.readAfter(vault, 0, 100);
      assert.equal(stored.length, 36);
      assert.equal((await store.head(vault)).position, 36);
      // The chain as stored is the chain recomputed from the events in order.
      let hash = GENESIS.hash;
      for (const event of stored) {
        hash = chainStep(hash, hashEvent(envelopeBytes(event)));
        assert.ok(bytesEqual(hash, event.chainHash), `chain breaks at ${event.position}`);
      }
    });

    it("property: the log's stored bytes are the sizes of its unpruned payloads after any pushes, retries, races and prunes", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              // A push of new events (sizes 0..300 bytes), some of them ids already in the log.
              fc.record({
                kind: fc.constant("push" as const),
                sizes: fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 6 }),
                retries: fc.nat({ max: 3 }),
                stale: fc.boolean(),
              }),
              fc.record({
                kind: fc.constant("prune" as const),
                fraction: fc.double({ min: 0, max: 1, noNaN: true }),
              }),
            ),
            { minLength: 1, maxLength: 12 },
          ),
          async (steps) => {
            const vault = newVault();
            await createLog(sql, vault);
            const sent: EventEnvelope[] = [];
            let staleBase: AppendBase | undefined;
            for (const step of steps) {
              if (step.kind === "prune") {
                const head = (await store.head(vault)).position;
                await store.pruneThrough(vault, Math.floor(head * step.fraction));
              } else {
                const fresh = step.sizes.map((size) => ({
                  id: ids.eventId(),
                  payload: new Uint8Array(size).fill(size % 251),
                }));
                const batch = [...sent.slice(sent.length - step.retries), ...fresh];
                const base =
                  step.stale && staleBase !== undefined
                    ? staleBase
                    : await readBase(sql, store, vault, batch);
                staleBase = base;
                ok(await store.appendOnto(vault, base, batch));
                sent.push(...fresh);
              }
              const [row] = await sql.query(
                `SELECT l.stored_bytes,
                   (SELECT COALESCE(sum(size), 0) FROM events e
                     WHERE e.vault_id = l.vault_id AND e.payload IS NOT NULL) AS counted
                 FROM vault_logs l WHERE l.vault_id = $1`,
                [vault],
              );
              assert.equal(Number(row?.stored_bytes), Number(row?.counted), JSON.stringify(step));
            }
            assert.equal((await store.head(vault)).position, sent.length);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
};

describeAppendOnto("PGlite", async () => {
  const sql = await createPgliteClient();
  return { sql, close: () => sql.close() };
});

describeAppendOnto("Postgres", async () => {
  const database = await createFreshPostgresDatabase();
  const sql = await createPgClient({ connectionString: database.url });
  return {
    sql,
    close: async () => {
      await sql.close();
      await database.drop();
    },
  };
});
