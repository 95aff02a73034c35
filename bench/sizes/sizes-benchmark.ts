/**
 * Size: the bytes of one single-field change, as plaintext, as the sealed event with its share of
 * the batch event that signs it (docs/PROTOCOL.md 18), on the wire and on the server, beside
 * Automerge's, Yjs's and Loro's updates for the same change. The changes are the merge workload's
 * field sets after each item's creation, written through the vault's API and synced through a
 * real server (Postgres) with every HTTP body counted.
 */

import { join } from "node:path";
import pg from "pg";
import { createFreshPostgresDatabase } from "@keypears/server/testing";
import {
  BATCH_SIGNED_PAYLOAD_VERSION,
  encodeEventBody,
  type EventEnvelope,
  parseSignedPayload,
  payloadVersion,
} from "@keypears/sync-core";
import { SEALED_OVERHEAD } from "@keypears/crypto";
import {
  createSyncClient,
  describeSyncError,
  discoverServer,
  registerAccount,
  type SyncClient,
} from "@keypears/sync-client";
import type { Vault } from "@keypears/vault";
import {
  benchAddress,
  createBenchAccount,
  openEventsOf,
  registrationOf,
} from "../fixtures/bench-account.ts";
import { isItemPayload } from "../fixtures/payload-kind.ts";
import { writeWorkload } from "../fixtures/vault-history.ts";
import type { Benchmark, BenchReport } from "../lib/benchmark.ts";
import { packageVersion } from "../lib/package-version.ts";
import { BENCH_DOMAIN, startServerProcess } from "../lib/server-process.ts";
import { quantity, type Row } from "../lib/table.ts";
import type { Target } from "../lib/targets.ts";
import { withTempDir } from "../lib/temp-dir.ts";
import { automergeBackend } from "../merge/automerge.ts";
import { loro } from "../merge/loro.ts";
import { yjs } from "../merge/yjs.ts";
import { createMergeWorkload, type MergeSize, type MergeWorkload } from "../merge/workload.ts";

const FULL: MergeSize = { items: 100, sets: 2_100 };
const SMOKE: MergeSize = { items: 10, sets: 60 };

/** HTTP body bytes by route, counted by the sync client's `fetch`. */
interface WireCount {
  push: number;
  pull: number;
}

export const sizesBenchmark: Benchmark = {
  name: "sizes",
  summary: "bytes per single-field change: plaintext, sealed, on the wire, on the server, vs CRDTs",
  run: async ({ smoke }) => {
    const workload = createMergeWorkload(smoke ? SMOKE : FULL);
    const database = await createFreshPostgresDatabase();
    try {
      return await withTempDir("sizes", async (dir) => {
        const server = await startServerProcess({ kind: "postgres", url: database.url });
        try {
          return await measure(workload, dir, server.url, database.url);
        } finally {
          await server.stop();
        }
      });
    } finally {
      await database.drop();
    }
  },
};

const syncOrThrow = async (client: SyncClient): Promise<void> => {
  const report = await client.syncOnce();
  if (!report.ok) throw new Error(describeSyncError(report.error));
};

const measure = async (
  workload: MergeWorkload,
  dir: string,
  serverUrl: string,
  databaseUrl: string,
): Promise<BenchReport> => {
  const discovered = await discoverServer(BENCH_DOMAIN, serverUrl);
  if (!discovered.ok) throw new Error(describeSyncError(discovered.error));
  const endpoint = discovered.value;
  const { vault, account } = await createBenchAccount(
    join(dir, "a"),
    benchAddress("sizes"),
    serverUrl,
  );
  const registered = await registerAccount(vault, registrationOf(account), endpoint, "A");
  if (!registered.ok) throw new Error(describeSyncError(registered.error));
  const wire: WireCount = { push: 0, pull: 0 };
  let counting = false;
  const client = createSyncClient(vault, endpoint, {
    snapshotEvery: Number.MAX_SAFE_INTEGER,
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      // The sync client pushes and pulls binary frames (`/events/frames`); JSON is `/events`.
      const isEvents = /\/events(\/frames)?$/.test(new URL(request.url).pathname);
      const sent =
        isEvents && request.method === "POST"
          ? (await request.clone().arrayBuffer()).byteLength
          : 0;
      const response = await fetch(request);
      if (counting && isEvents) {
        if (request.method === "POST") wire.push += sent;
        else wire.pull += (await response.clone().arrayBuffer()).byteLength;
      }
      return response;
    },
  });

  // Items first (each created with its title), then the single-field edits, counted alone.
  const creations = workload.itemKeys.length;
  const editSets = workload.sets.slice(creations);
  const itemIds = writeWorkload(vault, { ...workload, sets: workload.sets.slice(0, creations) });
  await syncOrThrow(client);
  const before = vault.sync.verified().position;
  writeWorkload(vault, workload, creations, itemIds);
  counting = true;
  await syncOrThrow(client);
  counting = false;

  // What the sync wrote after `before`: the edits' item events and the batch events that sign them.
  const { items, batches } = await writtenAfter(vault, before);
  if (items.length !== editSets.length) {
    throw new Error(
      `the device stored ${items.length} item events after position ${before}, expected one per edit (${editSets.length})`,
    );
  }
  if (batches.length === 0) throw new Error("the device stored no batch event for the edits");

  const events = await openEventsOf(account, items);
  const server = await serverBytes(databaseUrl, vault.vaultId, before);
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const mean = (values: readonly number[]) => sum(values) / values.length;
  const bodies = events.map((event) => encodeEventBody(event).length);
  const plaintext = mean(bodies);
  const padded = mean(bodies.map((length) => Math.ceil((length + 1) / 32) * 32));
  const payload = mean(items.map((e) => e.payload.length));
  const batchShare = sum(batches.map((e) => e.payload.length + 16)) / items.length;
  const crdt = (encode: (w: MergeWorkload) => Uint8Array[]) =>
    mean(
      encode(workload)
        .slice(creations)
        .map((u) => u.length),
    );
  const automerge = crdt(automergeBackend.source.encode);
  const rows: { key: string; label: string; bytes: number }[] = [
    {
      key: "change",
      label: "The change: field name and new value (UTF-8)",
      bytes: mean(editSets.map((s) => Buffer.byteLength(s.field) + Buffer.byteLength(s.value))),
    },
    {
      key: "plaintext",
      label: "KeyPears event, plaintext (event format 2, canonical CBOR)",
      bytes: plaintext,
    },
    { key: "padded", label: "KeyPears event, padded to 32 bytes", bytes: padded },
    {
      key: "sealed",
      label: "KeyPears item payload (+ header, version, nonce, tag)",
      bytes: payload,
    },
    {
      key: "envelope",
      label: "KeyPears envelope, binary (16-byte id + item payload)",
      bytes: payload + 16,
    },
    {
      key: "batch",
      label: "Its share of the batch event that signs the push (+ 16-byte id)",
      bytes: batchShare,
    },
    {
      key: "envelope-with-batch",
      label: "KeyPears envelope with its share of the batch event",
      bytes: payload + 16 + batchShare,
    },
    {
      key: "wire-push",
      label: "On the wire: push request body (binary frames), per change",
      bytes: wire.push / items.length,
    },
    {
      key: "wire-pull",
      label: "On the wire: pull response body (binary frames), per change",
      bytes: wire.pull / items.length,
    },
    {
      key: "server-row",
      label: "On the server: Postgres rows (`pg_column_size`), item and batch, per change",
      bytes: server.rows / items.length,
    },
    {
      key: "server-table",
      label: "On the server: events table and its indexes, per event",
      bytes: server.table,
    },
    { key: "automerge", label: "Automerge change (binary)", bytes: automerge },
    { key: "yjs", label: "Yjs update (v1)", bytes: crdt(yjs.source.encode) },
    { key: "loro", label: "Loro update", bytes: crdt(loro.source.encode) },
  ];
  vault.lock();
  // The batch events' bytes beyond the 32-byte hash of each event they name: id, header, seal,
  // checkpoint and signature, per batch event.
  const batchFixed =
    (sum(batches.map((e) => e.payload.length + 16)) - 32 * items.length) / batches.length;
  return sizesReport(workload, rows, automerge, {
    changes: items.length,
    batches: batches.length,
    batchFixed,
  });
};

/**
 * The events the device stored after `position`, split into item events and batch events; any
 * other event (a roster event) there is an error, as is an item event not of version 3.
 */
const writtenAfter = async (vault: Vault, position: number) => {
  const stored = await vault.sync.eventStore.readAfter(vault.vaultId, position, 1_000_000);
  const last = stored.at(-1)?.position ?? position;
  if (last !== vault.sync.verified().position) {
    throw new Error(
      `the device stores events through position ${last}, its verified checkpoint is at ${vault.sync.verified().position}`,
    );
  }
  const items: EventEnvelope[] = [];
  const batches: EventEnvelope[] = [];
  for (const { id, payload, position: at } of stored) {
    if (isItemPayload(payload)) {
      if (payloadVersion(payload) !== BATCH_SIGNED_PAYLOAD_VERSION) {
        throw new Error(
          `the item event at position ${at} is a version-${payloadVersion(payload)} payload, expected version ${BATCH_SIGNED_PAYLOAD_VERSION}`,
        );
      }
      items.push({ id, payload });
      continue;
    }
    const signed = parseSignedPayload(payload);
    if (!signed.ok || signed.value.kind !== "batch")
      throw new Error(`the event at position ${at} is neither an item event nor a batch event`);
    batches.push({ id, payload });
  }
  return { items, batches };
};

/** What the report says beside the rows: the changes measured and the batch events that signed them. */
interface BatchCounts {
  /** Item events: one per change. */
  readonly changes: number;
  /** Batch events written for them, one per push request. */
  readonly batches: number;
  /** A batch event's bytes (with its id) beyond the 32-byte hash of each event it names, mean. */
  readonly batchFixed: number;
}

/**
 * The bytes of the vault's rows after `position` (`pg_column_size`, summed), and the events
 * table's size with its indexes per row (over every event of the database).
 */
const serverBytes = async (url: string, vaultId: string, position: number) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE events");
    const { rows } = await client.query<{ rows: string; total: string; n: string }>(
      `SELECT (SELECT sum(pg_column_size(e.*)) FROM events e
                WHERE vault_id = $1 AND position > $2) AS rows,
              pg_total_relation_size('events') AS total, (SELECT count(*) FROM events) AS n`,
      [vaultId, position],
    );
    const first = rows[0];
    if (first === undefined) throw new Error("no sizes from Postgres");
    return { rows: Number(first.rows), table: Number(first.total) / Number(first.n) };
  } finally {
    await client.end();
  }
};

const sizesReport = (
  workload: MergeWorkload,
  rows: readonly { key: string; label: string; bytes: number }[],
  automerge: number,
  counts: BatchCounts,
): BenchReport => {
  const bytesOf = (key: string) => rows.find((r) => r.key === key)?.bytes ?? Number.NaN;
  const count = (n: number) => n.toLocaleString("en-US");
  const header = bytesOf("sealed") - bytesOf("padded") - SEALED_OVERHEAD;
  const table = {
    columns: [
      { header: "What", align: "left" as const },
      { header: "Bytes per change (mean)", align: "right" as const },
      { header: "vs Automerge", align: "right" as const },
    ],
    rows: rows.map((r): Row => ({
      key: r.key,
      cells: [r.label, quantity(r.bytes, "count"), quantity(r.bytes / automerge, "ratio")],
    })),
    notes: [
      `${count(counts.changes)} single-field changes: the merge workload's field sets after each of its ${workload.itemKeys.length} items was created (values of 16–24 characters), written through the vault's API on a synced account, then sent in one sync through a KeyPears server on Postgres; every HTTP body of the sync's pushes and pulls is counted (headers are not). The sizes are those of the events the device stored for the changes after the sync: ${count(counts.changes)} item events and the ${count(counts.batches)} batch event${counts.batches === 1 ? "" : "s"} the sync client wrote for them, one per push request of up to 1,000 events.`,
      `The plaintext is each item event opened with the account's keys and encoded again in event format 2 (\`encodeEventBody\`, docs/PROTOCOL.md 18.2): the item id, the clock, the field's name and value, and the write it replaces (\`basedOn\`, 16 bytes per id). The vault id and the event id are not in it (the box's associated data binds them), nor is the checkpoint (the batch event carries it). Sealing pads to a multiple of 32 bytes (so sizes say less about values) and adds ${SEALED_OVERHEAD} bytes (version, 24-byte nonce, 16-byte tag); the item payload adds a ${Math.round(header)}-byte header (version, kind, 8-byte signer, 4-byte key epoch) and carries no signature (docs/PROTOCOL.md 18.1).`,
      `The batch event is a signed payload that names each item event of its request by its 32-byte event hash; the rest of it (its id, header, seal, the author's checkpoint and a 64-byte Ed25519 signature), ${Math.round(counts.batchFixed)} bytes per batch event here, is shared out over the ${count(Math.round(counts.changes / counts.batches))} changes it signs on average. Its share of a change is the batch events' bytes, each with its 16-byte id, divided by the number of changes.`,
      "The server's row holds the vault id, position, event id, payload, its size, the event hash and the chain hash (32 bytes each) and when it was received; a change's bytes on the server are its item event's row and its share of the batch events' rows. The table's size adds Postgres's page and tuple overhead and its indexes (by position, by event id), over every event of the vault (roster, item and batch events).",
      `Automerge, Yjs and Loro: their source replicas' update for the same field sets (one change per set), unencrypted. Versions: @automerge/automerge ${packageVersion("@automerge/automerge")}, yjs ${packageVersion("yjs")}, loro-crdt ${packageVersion("loro-crdt")}.`,
    ],
  };
  const total = bytesOf("envelope-with-batch");
  const target = (key: string, what: string): Target => ({
    label: `${what} vs Automerge's change`,
    goal: `≤ 1.5 × ${Math.round(automerge)} bytes`,
    measured: quantity(bytesOf(key), "count"),
    reference: 1.5 * automerge,
    better: "lower",
  });
  return {
    title: "Size: one single-field change",
    description:
      "Bytes per single-field change as the user typed it, as KeyPears seals, sends and stores it, and as Automerge, Yjs and Loro encode the same change.",
    tables: [table],
    diagnosis: sizesDiagnosis(bytesOf, automerge, counts),
    targets: [
      target("envelope-with-batch", "Envelope with its share of the batch event"),
      {
        label: "Push request body per change vs the envelope with its share of the batch event",
        goal: `≤ 1.1 × ${Math.round(total)} bytes`,
        measured: quantity(bytesOf("wire-push"), "count"),
        reference: 1.1 * total,
        better: "lower",
      },
      target("server-row", "On the server per change (Postgres rows, item and batch)"),
    ],
  };
};

/** What a sealed single-field change is made of, and where the bytes beyond Automerge's are. */
const sizesDiagnosis = (
  bytesOf: (key: string) => number,
  automerge: number,
  counts: BatchCounts,
): string[] => {
  const b = (n: number) => `${Math.round(n)} bytes`;
  const plaintext = bytesOf("plaintext");
  const padding = bytesOf("padded") - plaintext;
  const header = bytesOf("sealed") - bytesOf("padded") - SEALED_OVERHEAD;
  const total = bytesOf("envelope-with-batch");
  const limit = 1.5 * automerge;
  const perBatch = counts.changes / counts.batches;
  // From the rounded figures, as the table shows them.
  const margin = Math.round(limit) - Math.round(total);
  // The payloads alone, per change: the item payload and its share of the batch payloads (ids out).
  const payloads = total - 16 - (16 * counts.batches) / counts.changes;
  const rowsPerChange = 1 + counts.batches / counts.changes;
  const rowOverhead = (bytesOf("server-row") - payloads) / rowsPerChange;
  return [
    `A change is sealed as an envelope of ${b(bytesOf("envelope"))} and its share of the batch event that signs it, ${b(bytesOf("batch"))}: ${b(total)} in all, ${(total / automerge).toFixed(2)}× Automerge's ${b(automerge)} for the same change of ${b(bytesOf("change"))}. Its plaintext (event format 2) is ${b(plaintext)}: the format version, the item id and the clock (a 16-byte byte string each), the field's name and value, and the write it replaces (16 bytes); the vault id and the event id are bound by the box's associated data and the checkpoint travels once per batch event, so none of them is in it. Sealing pads to a multiple of 32 bytes (${b(padding)} on average here) and adds ${SEALED_OVERHEAD} bytes (version, 24-byte nonce, 16-byte tag); the batch-signed payload adds a header of ${b(header)} (version, kind, 8-byte signer, 4-byte key epoch), and the envelope the 16-byte id. The batch event names each event by its 32-byte event hash; the rest of it, ${b(counts.batchFixed)} per batch event (id, header, seal, checkpoint and a 64-byte Ed25519 signature), is shared out over the ${Math.round(perBatch)} changes it signs on average here (at most 999 per request).`,
    `${margin >= 0 ? `Within 1.5× of Automerge (${b(limit)}) with ${b(margin)} to spare.` : `${b(-margin)} over 1.5× of Automerge (${b(limit)}).`} What would bring it lower, for the owners of the protocol (docs/PROTOCOL.md 18.6): one hash over the window's event hashes in push order instead of one per event (about 32 bytes less per change, but a receiver then decides a window's events only when its last one arrives, and a retried push after a refusal needs a new batch event); a hash shorter than 192 bits is not an option (a signer that finds two payloads with one truncated hash could show devices different events under one signature). On the wire the sync client sends binary frames (docs/PROTOCOL.md, "Binary bodies"): each event is its 16-byte id, a varint length and the payload, ${b(bytesOf("wire-push") - total)} per change over the envelope with its share of the batch event, with each request's header shared out. On the server each row keeps, beside the payload, two 32-byte hashes, two ids, the position, the size and a timestamp, ${b(rowOverhead)} per row here, and a change has its item event's row and ${(counts.batches / counts.changes).toFixed(3)} of a batch event's: ${b(bytesOf("server-row"))} per change against ${b(payloads)} of payloads. The table's size per event adds Postgres's page and tuple overhead and the two indexes (by position, by event id).`,
  ];
};
