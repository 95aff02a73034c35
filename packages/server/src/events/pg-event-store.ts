/**
 * The `EventStore` on Postgres (PGlite or a server; the same SQL). An append is one transaction:
 * it locks the vault's log row, so appends to one vault are serialized and the positions and chain
 * hashes it assigns are exactly the order in which events are served; it inserts the batch in
 * one statement, moves the head, and NOTIFYs (delivered on commit).
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import {
  type AppendedEvent,
  type AppendError,
  type AppendResult,
  assertReadArguments,
  chainStep,
  type ChainHash,
  type Checkpoint,
  type EventEnvelope,
  envelopeBytes,
  type EventHash,
  type EventId,
  type EventStore,
  GENESIS,
  hashEvent,
  type PullPage,
  type StoredEvent,
  type VaultId,
} from "@keypears/sync-core";
import { encodeNotice, NOTICE_CHANNEL } from "../realtime/notices.ts";
import type { SqlClient, SqlParam, SqlQueryable } from "../sql/sql-client.ts";
import { isUniqueViolation, transactionResult } from "../sql/sql-client.ts";
import { toBytes, toOptionalBytes, toSafeInt, toText } from "../sql/values.ts";

export interface PrunedRange {
  readonly kind: "pruned";
  /** Payloads at and before this position are gone. */
  readonly prunedThrough: number;
}

export interface PgEventStore extends EventStore {
  /**
   * One consistent page for a pull: the anchor at `after`, events after it, and the head. The
   * page holds at most `limit` events and at most `maxBytes` payload bytes (but always at least
   * one event when there is one), so one pull's memory is bounded whatever the events' sizes.
   */
  readonly readPage: (
    vaultId: VaultId,
    after: number,
    limit: number,
    maxBytes?: number,
  ) => Promise<Result<PullPage, PrunedRange>>;
  /**
   * Disaster recovery: appends events a device re-uploads with their positions and chain hashes,
   * after the server was restored from a backup. Stored only if `after` is exactly the head and
   * every event extends it with the same chain (position and hash recomputed here); otherwise
   * nothing is stored.
   */
  readonly restore: (
    vaultId: VaultId,
    after: Checkpoint,
    events: readonly StoredEvent[],
  ) => Promise<Result<Checkpoint, RestoreRefusal>>;
  /**
   * `append` in one statement, for a caller that already read the log's head and which of the
   * batch's ids it holds (`base`, e.g. in the query that authenticated the push): the statement
   * moves the head only if it is still `base.head` (compare and swap on the log row, which also
   * locks it), inserts the batch and NOTIFYs, all or nothing. If the head moved meanwhile (another
   * push to the same vault won the race), it falls back to `append`, so the answer is the same as
   * `append`'s either way: one round trip instead of five when there is no race.
   */
  readonly appendOnto: (
    vaultId: VaultId,
    base: AppendBase,
    envelopes: readonly EventEnvelope[],
  ) => Promise<Result<AppendResult, AppendError>>;
  /** Drops the payloads at and before `position` (keeping id, size and hashes); returns how many. */
  readonly pruneThrough: (vaultId: VaultId, position: number) => Promise<number>;
}

/** What an append builds on: the log's head and the batch's ids already in it, read together. */
export interface AppendBase {
  readonly head: Checkpoint;
  readonly knownById: ReadonlyMap<string, KnownEvent>;
}

export interface KnownEvent {
  readonly position: number;
  readonly eventHash: EventHash;
  readonly chainHash: ChainHash;
}

/** A known event from a row with `position`, `event_hash` and `chain_hash`. */
export const knownEventOf = (row: Readonly<Record<string, unknown>>): KnownEvent => ({
  position: toSafeInt(row.position, "position"),
  eventHash: toBytes(row.event_hash, "event_hash") as EventHash,
  chainHash: toBytes(row.chain_hash, "chain_hash") as ChainHash,
});

export type RestoreRefusal =
  | { readonly kind: "not-head"; readonly head: Checkpoint }
  | { readonly kind: "chain-mismatch"; readonly position: number };

interface LogRow {
  readonly head: Checkpoint;
  readonly prunedThrough: number;
}

const readLog = async (
  db: SqlQueryable,
  vaultId: VaultId,
  lock: boolean,
): Promise<LogRow | undefined> => {
  const [row] = await db.query(
    `SELECT head_position, head_hash, pruned_through FROM vault_logs WHERE vault_id = $1${lock ? " FOR UPDATE" : ""}`,
    [vaultId],
  );
  if (row === undefined) return undefined;
  return {
    head: {
      position: toSafeInt(row.head_position, "head_position"),
      hash: toBytes(row.head_hash, "head_hash") as ChainHash,
    },
    prunedThrough: toSafeInt(row.pruned_through, "pruned_through"),
  };
};

const lockLog = async (tx: SqlQueryable, vaultId: VaultId): Promise<LogRow> => {
  const existing = await readLog(tx, vaultId, true);
  if (existing !== undefined) return existing;
  await tx.query(
    "INSERT INTO vault_logs (vault_id, head_hash) VALUES ($1, $2) ON CONFLICT (vault_id) DO NOTHING",
    [vaultId, GENESIS.hash],
  );
  const created = await readLog(tx, vaultId, true);
  if (created === undefined) throw new Error(`vault log ${vaultId} vanished while being created`);
  return created;
};

/** Payload bytes read by one query while serving a pull page. */
const READ_CHUNK_BYTES = 512 * 1024;

export const createPgEventStore = (sql: SqlClient): PgEventStore => {
  const head = async (vaultId: VaultId): Promise<Checkpoint> =>
    (await readLog(sql, vaultId, false))?.head ?? GENESIS;

  const checkpointAt = async (vaultId: VaultId, position: number) => {
    assertReadArguments(position);
    if (position === 0) return GENESIS;
    const [row] = await sql.query(
      "SELECT chain_hash FROM events WHERE vault_id = $1 AND position = $2",
      [vaultId, position],
    );
    return row === undefined
      ? undefined
      : { position, hash: toBytes(row.chain_hash, "chain_hash") as ChainHash };
  };

  const selectEvents = async (vaultId: VaultId, after: number, through: number, limit: number) => {
    const rows = await sql.query(
      `SELECT event_id, payload, position, chain_hash FROM events
       WHERE vault_id = $1 AND position > $2 AND position <= $3 ORDER BY position LIMIT $4`,
      [vaultId, after, through, limit],
    );
    return rows.map((row) => ({
      id: toText(row.event_id, "event_id") as EventId,
      payload: toOptionalBytes(row.payload, "payload"),
      position: toSafeInt(row.position, "position"),
      chainHash: toBytes(row.chain_hash, "chain_hash") as ChainHash,
    }));
  };

  /**
   * Where a page after `after` ends, to keep within `limit` events and `maxBytes` (at least one
   * event), cut into runs of at most `READ_CHUNK_BYTES`: each run is read by its own query, so on
   * the embedded database (one session for everyone) other requests get their turn between runs.
   */
  const planPage = async (
    vaultId: VaultId,
    after: number,
    through: number,
    limit: number,
    maxBytes: number,
  ): Promise<readonly number[]> => {
    // Sizes only (no payloads), so sizing a page costs little even when its events are large.
    const rows = await sql.query(
      `SELECT position, size FROM events
       WHERE vault_id = $1 AND position > $2 AND position <= $3 ORDER BY position LIMIT $4`,
      [vaultId, after, through, limit],
    );
    const ends: number[] = [];
    let end = after;
    let bytes = 0;
    let run = 0;
    for (const row of rows) {
      const size = toSafeInt(row.size, "size");
      if (bytes + size > maxBytes && end > after) break;
      if (run + size > READ_CHUNK_BYTES && run > 0) {
        ends.push(end);
        run = 0;
      }
      bytes += size;
      run += size;
      end = toSafeInt(row.position, "position");
    }
    if (end > (ends.at(-1) ?? after)) ends.push(end);
    return ends;
  };

  const append: EventStore["append"] = async (vaultId, envelopes) => {
    if (envelopes.length === 0) return ok({ events: [], head: await head(vaultId) });
    const hashes = envelopes.map((envelope) => hashEvent(envelopeBytes(envelope)));
    return transactionResult(sql, async (tx) => {
      const log = await lockLog(tx, vaultId);
      const ids = [...new Set(envelopes.map((envelope) => envelope.id))];
      const knownById = new Map<string, KnownEvent>();
      for (const row of await tx.query(
        `SELECT event_id, position, event_hash, chain_hash FROM events
         WHERE vault_id = $1 AND event_id = ANY($2::uuid[])`,
        [vaultId, ids],
      )) {
        knownById.set(toText(row.event_id, "event_id"), knownEventOf(row));
      }
      const planned = planAppend(log.head, knownById, envelopes, hashes);
      if (!planned.ok) return planned;
      const { fresh, result } = planned.value;
      if (fresh.length > 0) await insertEvents(tx, vaultId, fresh, result.head);
      return ok(result);
    });
  };

  const appendOnto: PgEventStore["appendOnto"] = async (vaultId, base, envelopes) => {
    const hashes = envelopes.map((envelope) => hashEvent(envelopeBytes(envelope)));
    const planned = planAppend(base.head, base.knownById, envelopes, hashes);
    // An id reused with another payload is a fact of the log (ids never leave it): final.
    if (!planned.ok) return planned;
    const { fresh, result } = planned.value;
    if (fresh.length === 0) return ok(result);
    try {
      if (await insertOnto(sql, vaultId, base.head, fresh, result.head)) return ok(result);
    } catch (error) {
      // The read was older than an id now in the log: the locked path sorts it out.
      if (!isUniqueViolation(error)) throw error;
    }
    // Another append moved the head since `base` was read: append under the lock instead.
    return append(vaultId, envelopes);
  };

  return {
    append,
    appendOnto,
    head,
    checkpointAt,
    readAfter: async (vaultId, position, limit) => {
      assertReadArguments(position, limit);
      const events = await selectEvents(vaultId, position, Number.MAX_SAFE_INTEGER, limit);
      return events.map(({ payload, ...event }): StoredEvent => {
        if (payload === undefined) {
          throw new Error(`the payload of event ${event.position} of ${vaultId} was pruned`);
        }
        return { ...event, payload };
      });
    },
    readPage: async (vaultId, after, limit, maxBytes = Number.MAX_SAFE_INTEGER) => {
      assertReadArguments(after, limit);
      const log = await readLog(sql, vaultId, false);
      const current = log?.head ?? GENESIS;
      const prunedThrough = log?.prunedThrough ?? 0;
      if (after < prunedThrough) return err({ kind: "pruned", prunedThrough });
      if (after >= current.position) return ok({ anchor: current, events: [], head: current });
      const anchor = await checkpointAt(vaultId, after);
      if (anchor === undefined) throw new Error(`no checkpoint at ${after} below the head`);
      const runs = await planPage(vaultId, after, current.position, limit, maxBytes);
      const rows = [];
      let from = after;
      for (const end of runs) {
        rows.push(...(await selectEvents(vaultId, from, end, limit)));
        from = end;
      }
      const events: StoredEvent[] = [];
      for (const { payload, ...event } of rows) {
        // Pruned between reading the log row and the events: the same answer as before.
        if (payload === undefined) {
          return err({
            kind: "pruned",
            prunedThrough: (await readLog(sql, vaultId, false))?.prunedThrough ?? 0,
          });
        }
        events.push({ ...event, payload });
      }
      return ok({ anchor, events, head: current });
    },
    restore: async (vaultId, after, events) =>
      transactionResult(sql, async (tx): Promise<Result<Checkpoint, RestoreRefusal>> => {
        const log = await lockLog(tx, vaultId);
        if (log.head.position !== after.position || !bytesEqual(log.head.hash, after.hash)) {
          return err({ kind: "not-head", head: log.head });
        }
        if (events.length === 0) return ok(log.head);
        const fresh: { envelope: EventEnvelope; known: KnownEvent }[] = [];
        let current = log.head;
        for (const event of events) {
          const position = current.position + 1;
          const eventHash = hashEvent(envelopeBytes(event));
          const chainHash = chainStep(current.hash, eventHash);
          if (event.position !== position || !bytesEqual(chainHash, event.chainHash)) {
            return err({ kind: "chain-mismatch", position });
          }
          fresh.push({ envelope: event, known: { position, eventHash, chainHash } });
          current = { position, hash: chainHash };
        }
        const ids = fresh.map(({ envelope }) => envelope.id);
        const taken = await tx.query(
          "SELECT position FROM events WHERE vault_id = $1 AND event_id = ANY($2::uuid[]) LIMIT 1",
          [vaultId, ids],
        );
        if (taken.length > 0 || new Set(ids).size !== ids.length) {
          return err({ kind: "chain-mismatch", position: after.position + 1 });
        }
        await insertEvents(tx, vaultId, fresh, current);
        return ok(current);
      }),
    pruneThrough: (vaultId, position) =>
      sql.transaction(async (tx) => {
        const log = await readLog(tx, vaultId, true);
        if (log === undefined) return 0;
        if (!Number.isSafeInteger(position) || position < 0 || position > log.head.position) {
          throw new RangeError(
            `cannot prune through ${position}: the head is ${log.head.position}`,
          );
        }
        if (position <= log.prunedThrough) return 0;
        const [row] = await tx.query(
          `WITH pruned AS (
             UPDATE events SET payload = NULL
             WHERE vault_id = $1 AND position > $2 AND position <= $3 AND payload IS NOT NULL
             RETURNING size),
           counted AS (SELECT count(*) AS n, COALESCE(sum(size), 0) AS bytes FROM pruned),
           moved AS (
             UPDATE vault_logs SET pruned_through = $3, stored_bytes = stored_bytes - counted.bytes
             FROM counted WHERE vault_id = $1)
           SELECT n FROM counted`,
          [vaultId, log.prunedThrough, position],
        );
        return toSafeInt(row?.n ?? 0, "n");
      }),
  };
};

/**
 * Positions and chain hashes for a batch on top of `head`: events already in the log (by id)
 * come back as duplicates, the rest extend the chain in order. An id already there with another
 * payload fails the whole batch.
 */
const planAppend = (
  head: Checkpoint,
  knownById: ReadonlyMap<string, KnownEvent>,
  envelopes: readonly EventEnvelope[],
  hashes: readonly EventHash[],
): Result<
  { fresh: { envelope: EventEnvelope; known: KnownEvent }[]; result: AppendResult },
  AppendError
> => {
  const seen = new Map(knownById);
  const events: AppendedEvent[] = [];
  const fresh: { envelope: EventEnvelope; known: KnownEvent }[] = [];
  let current = head;
  for (const [index, envelope] of envelopes.entries()) {
    const eventHash = hashes[index] as EventHash;
    // The event hash covers id and payload, so it tells a retry from a reuse even after
    // the payload was pruned.
    const known = seen.get(envelope.id);
    if (known !== undefined) {
      if (!bytesEqual(known.eventHash, eventHash)) {
        return err({ kind: "id-reused" as const, id: envelope.id });
      }
      events.push({ id: envelope.id, ...pick(known), duplicate: true });
      continue;
    }
    const position = current.position + 1;
    const chainHash = chainStep(current.hash, eventHash);
    const entry: KnownEvent = { position, eventHash, chainHash };
    seen.set(envelope.id, entry);
    fresh.push({ envelope, known: entry });
    events.push({ id: envelope.id, position, chainHash, duplicate: false });
    current = { position, hash: chainHash };
  }
  return ok({ fresh, result: { events, head: current } });
};

const pick = (known: KnownEvent) => ({ position: known.position, chainHash: known.chainHash });

const payloadBytes = (fresh: readonly { envelope: EventEnvelope }[]): number =>
  fresh.reduce((sum, { envelope }) => sum + envelope.payload.length, 0);

/** Inserts the batch, moves the head (and the log's stored bytes) and NOTIFYs (delivered on commit): one statement, one round trip. */
const insertEvents = async (
  tx: SqlQueryable,
  vaultId: VaultId,
  fresh: readonly { envelope: EventEnvelope; known: KnownEvent }[],
  head: Checkpoint,
): Promise<void> => {
  const params: SqlParam[] = [
    vaultId,
    head.position,
    head.hash,
    NOTICE_CHANNEL,
    encodeNotice({ kind: "head", vaultId, head }),
    payloadBytes(fresh),
  ];
  const rows = fresh.map(({ envelope, known }) => {
    const at = params.length;
    params.push(
      known.position,
      envelope.id,
      envelope.payload,
      envelope.payload.length,
      known.eventHash,
      known.chainHash,
    );
    return `($1, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6})`;
  });
  await tx.query(
    `WITH inserted AS (
       INSERT INTO events (vault_id, position, event_id, payload, size, event_hash, chain_hash)
       VALUES ${rows.join(", ")}),
     moved AS (UPDATE vault_logs SET head_position = $2, head_hash = $3,
                 stored_bytes = stored_bytes + $6 WHERE vault_id = $1)
     SELECT pg_notify($4, $5)`,
    params,
  );
};

/**
 * The batch on top of `base`, in one statement: the log row moves from `base` to `head` only if
 * it is still at `base` (the UPDATE locks the row; a concurrent append that committed first makes
 * the condition false), the events go in only if it moved, and the NOTIFY only then. Run alone,
 * the statement is its own transaction. True if it appended.
 */
const insertOnto = async (
  db: SqlQueryable,
  vaultId: VaultId,
  base: Checkpoint,
  fresh: readonly { envelope: EventEnvelope; known: KnownEvent }[],
  head: Checkpoint,
): Promise<boolean> => {
  const params: SqlParam[] = [
    vaultId,
    head.position,
    head.hash,
    NOTICE_CHANNEL,
    encodeNotice({ kind: "head", vaultId, head }),
    base.position,
    base.hash,
    payloadBytes(fresh),
  ];
  const rows = fresh.map(({ envelope, known }) => {
    const at = params.length;
    params.push(
      known.position,
      envelope.id,
      envelope.payload,
      envelope.payload.length,
      known.eventHash,
      known.chainHash,
    );
    return `($${at + 1}::bigint, $${at + 2}::uuid, $${at + 3}::bytea, $${at + 4}::integer, $${at + 5}::bytea, $${at + 6}::bytea)`;
  });
  const moved = await db.query(
    `WITH moved AS (
       UPDATE vault_logs SET head_position = $2, head_hash = $3, stored_bytes = stored_bytes + $8
       WHERE vault_id = $1 AND head_position = $6 AND head_hash = $7
       RETURNING vault_id),
     inserted AS (
       INSERT INTO events (vault_id, position, event_id, payload, size, event_hash, chain_hash)
       SELECT moved.vault_id, batch.* FROM moved,
         (VALUES ${rows.join(", ")}) AS batch (position, event_id, payload, size, event_hash, chain_hash))
     SELECT pg_notify($4, $5) FROM moved`,
    params,
  );
  return moved.length > 0;
};
