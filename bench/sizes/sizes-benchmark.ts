/**
 * Size: the bytes of one single-field change, as plaintext, as the sealed event, on the wire and
 * on the server, beside Automerge's, Yjs's and Loro's updates for the same change. The changes are
 * the merge workload's field sets after each item's creation, written through the vault's API and
 * pushed and pulled through a real server (Postgres) with every HTTP body counted.
 */

import { join } from "node:path";
import pg from "pg";
import { createFreshPostgresDatabase } from "@keypears/server/testing";
import { encodeEvent, type Event, type EventEnvelope } from "@keypears/sync-core";
import { SEALED_OVERHEAD } from "@keypears/crypto";
import {
  createSyncClient,
  describeSyncError,
  discoverServer,
  registerAccount,
  type SyncClient,
} from "@keypears/sync-client";
import { describeVaultError, type Vault } from "@keypears/vault";
import {
  benchAddress,
  createBenchAccount,
  openEventsOf,
  registrationOf,
} from "../fixtures/bench-account.ts";
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
  const itemIds = writeWorkload(vault, { ...workload, sets: workload.sets.slice(0, creations) });
  await syncOrThrow(client);
  const before = vault.sync.verified().position;
  writeWorkload(vault, workload, creations, itemIds);
  const edits = pendingEnvelopes(vault);
  counting = true;
  await syncOrThrow(client);
  counting = false;
  if (vault.sync.verified().position !== before + edits.length)
    throw new Error("the edits did not all sync");

  const events = await openEventsOf(account, edits);
  const server = await serverBytes(databaseUrl, before);
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const editSets = workload.sets.slice(creations);
  const plaintext = mean(events.map((event) => encodeEvent(event).length));
  const padded = mean(events.map((event) => Math.ceil((encodeEvent(event).length + 1) / 32) * 32));
  const payload = mean(edits.map((e) => e.payload.length));
  const crdt = (encode: (w: MergeWorkload) => Uint8Array[]) =>
    mean(
      encode(workload)
        .slice(creations)
        .map((u) => u.length),
    );
  const automerge = crdt(automergeBackend.source.encode);
  const planned = plannedSizes(vault, events);
  const rows: { key: string; label: string; bytes: number }[] = [
    {
      key: "change",
      label: "The change: field name and new value (UTF-8)",
      bytes: mean(editSets.map((s) => Buffer.byteLength(s.field) + Buffer.byteLength(s.value))),
    },
    { key: "plaintext", label: "KeyPears event, plaintext (canonical CBOR)", bytes: plaintext },
    { key: "padded", label: "KeyPears event, padded to 32 bytes", bytes: padded },
    { key: "sealed", label: "KeyPears sealed payload (+ version, nonce, tag)", bytes: payload },
    {
      key: "envelope",
      label: "KeyPears envelope, binary (16-byte id + sealed payload)",
      bytes: payload + 16,
    },
    {
      key: "v3-envelope",
      label: "Planned (protocol 3, not yet written): envelope, batch-signed, event format 2",
      bytes: planned.envelope,
    },
    {
      key: "v3-batch",
      label: `Planned (protocol 3): its batch event's bytes, per event (one per ${PLANNED_BATCH})`,
      bytes: planned.batchShare,
    },
    {
      key: "wire-push",
      label: "On the wire: push request body (binary frames), per event",
      bytes: wire.push / edits.length,
    },
    {
      key: "wire-pull",
      label: "On the wire: pull response body (binary frames), per event",
      bytes: wire.pull / edits.length,
    },
    {
      key: "server-row",
      label: "On the server: Postgres row (`pg_column_size`)",
      bytes: server.row,
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
  const withCheckpoint = events.filter((event) => event.checkpoint !== null).length / events.length;
  return sizesReport(workload, rows, automerge, edits.length, withCheckpoint);
};

/** The events a planned protocol-3 push carries with its batch event (a push of 1,000). */
const PLANNED_BATCH = 999;

/**
 * The same changes sealed as protocol version 3 will write them (docs/PROTOCOL.md 18): each a
 * batch-signed item event in format 2, and one signed batch event per `PLANNED_BATCH` of them.
 */
const plannedSizes = (vault: Vault, events: readonly Event[]) => {
  let items = 0;
  let batches = 0;
  for (let start = 0; start < events.length; start += PLANNED_BATCH) {
    const sealed = vault.sync.sealBatchSigned(events.slice(start, start + PLANNED_BATCH));
    batches += sealed.batch.payload.length + 16;
    for (const item of sealed.items) items += item.payload.length + 16;
  }
  return { envelope: items / events.length, batchShare: batches / events.length };
};

const pendingEnvelopes = (vault: Vault): EventEnvelope[] => {
  const pending = vault.sync.pending(1_000_000);
  if (!pending.ok) throw new Error(describeVaultError(pending.error));
  return pending.value.map(({ id, payload }) => ({ id, payload }));
};

/** Mean bytes of the rows after `position`, and the events table's size with its indexes per row. */
const serverBytes = async (url: string, position: number) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE events");
    const { rows } = await client.query<{ row: string; total: string; n: string }>(
      `SELECT (SELECT avg(pg_column_size(e.*)) FROM events e WHERE position > $1) AS row,
              pg_total_relation_size('events') AS total, (SELECT count(*) FROM events) AS n`,
      [position],
    );
    const first = rows[0];
    if (first === undefined) throw new Error("no sizes from Postgres");
    return { row: Number(first.row), table: Number(first.total) / Number(first.n) };
  } finally {
    await client.end();
  }
};

const sizesReport = (
  workload: MergeWorkload,
  rows: readonly { key: string; label: string; bytes: number }[],
  automerge: number,
  edits: number,
  withCheckpoint: number,
): BenchReport => {
  const bytesOf = (key: string) => rows.find((r) => r.key === key)?.bytes ?? Number.NaN;
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
      `${edits.toLocaleString("en-US")} single-field changes: the merge workload's field sets after each of its ${workload.itemKeys.length} items was created (values of 16–24 characters), written through the vault's API on a synced account, then pushed in one sync through a KeyPears server on Postgres and pulled back; every HTTP body of the push and the pull is counted (headers are not).`,
      `The plaintext is each event opened with the account's keys and encoded again (\`encodeEvent\`): its id, vault, item, clock, the field's name and value, the write it replaces (\`basedOn\`, 16 bytes per id), and the device's last verified checkpoint. Sealing pads to a multiple of 32 bytes (so sizes say less about values) and adds ${SEALED_OVERHEAD} bytes (version, 24-byte nonce, 16-byte tag).`,
      "The server's row holds the vault id, position, event id, payload, its size, the event hash and the chain hash (32 bytes each) and when it was received; the table's size adds Postgres's page and tuple overhead and its indexes (by position, by event id), over every event of the vault.",
      `Automerge, Yjs and Loro: their source replicas' update for the same field sets (one change per set), unencrypted. Versions: @automerge/automerge ${packageVersion("@automerge/automerge")}, yjs ${packageVersion("yjs")}, loro-crdt ${packageVersion("loro-crdt")}.`,
    ],
  };
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
    diagnosis: sizesDiagnosis(bytesOf, automerge, withCheckpoint),
    targets: [
      target("envelope", "Sealed event (binary envelope)"),
      {
        label: "Sealed event on the wire (push, binary frames) vs the envelope",
        goal: `≤ 1.1 × ${Math.round(bytesOf("envelope"))} bytes`,
        measured: quantity(bytesOf("wire-push"), "count"),
        reference: 1.1 * bytesOf("envelope"),
        better: "lower",
      },
      target("server-row", "Sealed event on the server (Postgres row)"),
    ],
  };
};

/** What a sealed single-field event is made of, and what would bring it within 1.5× of Automerge. */
const sizesDiagnosis = (
  bytesOf: (key: string) => number,
  automerge: number,
  withCheckpoint: number,
): string[] => {
  const plaintext = bytesOf("plaintext");
  const padding = bytesOf("padded") - plaintext;
  // Vault id and event id (17 bytes each as CBOR byte strings), bound by the associated data; the
  // checkpoint's hash cut from 32 bytes to 16 (a 128-bit prefix still pins the history).
  const leaner = plaintext - 34 - 16 * withCheckpoint;
  // A version-2 payload wraps the box: version, kind, signer, key epoch, and a 64-byte Ed25519
  // signature (docs/PROTOCOL.md 16.2); measured here as the sealed payload beyond the box.
  const signed = bytesOf("sealed") - bytesOf("padded") - SEALED_OVERHEAD;
  const envelope = Math.ceil((leaner + 1) / 32) * 32 + SEALED_OVERHEAD + signed + 16;
  const b = (n: number) => `${Math.round(n)} bytes`;
  const planned = bytesOf("v3-envelope") + bytesOf("v3-batch");
  return [
    `The sealed event is ${b(bytesOf("envelope"))} against Automerge's ${b(automerge)} for the same change of ${b(bytesOf("change"))}. Its plaintext is already ${b(plaintext)}: the format version, the vault id, the event id, the item id and the clock (a 16-byte byte string each), the field's name and value, the write it replaces (16 bytes), and, in ${Math.round(withCheckpoint * 100)}% of these events, the author's last verified checkpoint (a position and a 32-byte hash, for fork detection). Sealing then pads to a multiple of 32 bytes (${b(padding)} on average here) and adds ${SEALED_OVERHEAD} bytes (version, 24-byte nonce, 16-byte tag); the signed payload of protocol version 2 adds ${b(signed)} (version, kind, 8-byte signer, 4-byte key epoch and a 64-byte Ed25519 signature), and the envelope adds the 16-byte id again.`,
    `What would close it, for the owners of the event format (sync-core) and the vault: leave out of the plaintext what the associated data already binds (the vault id and the event id: 34 bytes), and carry a 16-byte prefix of the checkpoint's hash (or the checkpoint once per batch of a device's events): about ${b(envelope)} per envelope, ${(envelope / automerge).toFixed(2)}× Automerge's change. Within 1.5× of Automerge (${b(1.5 * automerge)}) also needs the signature shared: one signature per batch of a device's events (over their hashes) instead of one per event, which the server's per-event chain allows but which changes how a single event is verified and quarantined. On the wire the sync client sends binary frames (docs/PROTOCOL.md, "Binary bodies"): each event is its 16-byte id, a varint length and the payload, ${b(bytesOf("wire-push") - bytesOf("envelope"))} over the envelope per event with the batch's header shared out (JSON with base64url added a third). The server's row keeps two 32-byte hashes, two ids, the position, the size and a timestamp beside the payload, and its two indexes as much again.`,
    `Measured in this run, the same changes sealed as protocol version 3 will write them (docs/PROTOCOL.md 18, designed, received and verified by every device, not yet written): ${b(bytesOf("v3-envelope"))} per envelope (no ids or checkpoint in the plaintext, no signature of its own) and ${b(bytesOf("v3-batch"))} per event for the signed batch event that names it, ${b(planned)} in all, ${(planned / automerge).toFixed(2)}× Automerge's change (the target is 1.5×).`,
  ];
};
