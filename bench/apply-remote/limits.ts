/**
 * The raw limits beside the vault: SQLite writing the same bytes (no crypto, no merge), the AEAD
 * opening boxes of the same sizes (no decoding, no disk), and what protocol version 3 costs per
 * event for authenticity (docs/PROTOCOL.md 18.3): one Ed25519 verification per batch event (one
 * per push of up to 1,000 events) and one SHA-256 of each item event's envelope. A vault that
 * applied events as fast as these would be spending nothing on anything else.
 */

import { rmSync } from "node:fs";
import { join } from "node:path";
import { setIndexOfEvents } from "../fixtures/payload-kind.ts";
import {
  associatedData,
  createDeviceKeyPairs,
  open,
  SEALED_OVERHEAD,
  seal,
  signAsDevice,
  verifyDeviceSignature,
} from "@keypears/crypto";
import {
  BATCH_SIGNED_PAYLOAD_VERSION,
  envelopeBytes,
  type EventEnvelope,
  eventSignatureMessage,
  hashEvent,
  parseSignedPayload,
  systemDeps,
  type VaultId,
} from "@keypears/sync-core";
import { BATCH_SIGNED_SCHEMA, openSqlite } from "@keypears/vault";
import { readOrderedEvents } from "../fixtures/ordered-events.ts";
import { createMergeWorkload } from "../merge/workload.ts";
import type { ApplyContender } from "./contender.ts";
import { APPLY_BATCH } from "./keypears.ts";

export const sqliteLimit: ApplyContender = {
  key: "sqlite-limit",
  label: "Limit: SQLite, event insert + item upsert",
  includes: `Limit, SQLite: for each event, an INSERT of its id, position, chain hash and sealed payload into an events table, and an UPSERT of the same payload bytes into its item's row; ${APPLY_BATCH.toLocaleString("en-US")} events per transaction, through the vault's own \`openSqlite\` (WAL, synchronous = FULL), on disk. No crypto, no merge.`,
  group: "limit",
  budgetMs: 20_000,
  minRuns: 3,
  prepare: (input) => {
    const events = readOrderedEvents(input.orderedEventsFile);
    const workload = createMergeWorkload(input.size);
    const itemOf = workload.sets.map((set) => input.itemIds[set.item] as string);
    // The log: the device's enrolment in the roster, then one event per set, each request's with
    // the batch event that signs them ahead (neither changes an item).
    const setOf = setIndexOfEvents(events.map((event) => event.payload));
    let counter = 0;
    return async ({ share }) => {
      const path = join(input.scratchDir, `limit-${++counter}.sqlite`);
      const db = openSqlite(path);
      db.exec(`
        CREATE TABLE events (vault_id TEXT NOT NULL, id TEXT NOT NULL, payload BLOB NOT NULL,
          position INTEGER, chain_hash BLOB, PRIMARY KEY (vault_id, id)) STRICT;
        CREATE TABLE items (id TEXT PRIMARY KEY, state BLOB NOT NULL) STRICT;`);
      const insertEvent = db.prepare(
        "INSERT INTO events (vault_id, id, payload, position, chain_hash) VALUES (?, ?, ?, ?, ?)",
      );
      const upsertItem = db.prepare(
        "INSERT INTO items (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state",
      );
      const count = db.prepare(
        "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM items) AS items",
      );
      const used = events.slice(0, Math.ceil(events.length * share));
      return {
        apply: () => {
          for (let start = 0; start < used.length; start += APPLY_BATCH) {
            db.transaction(() => {
              for (const event of used.slice(start, start + APPLY_BATCH)) {
                insertEvent.run(
                  input.account.vaultId,
                  event.id,
                  event.payload,
                  event.position,
                  event.chainHash,
                );
                const set = setOf[event.position - 1];
                const item = set === undefined ? undefined : itemOf[set];
                if (item !== undefined) upsertItem.run(item, event.payload);
              }
            });
          }
        },
        check: () => {
          const rows = count.get() as { events: number; items: number };
          if (rows.events !== used.length)
            throw new Error(`SQLite holds ${rows.events} events, expected ${used.length}`);
        },
        dispose: () => {
          db.close();
          for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
        },
      };
    };
  },
};

export const aeadLimit: ApplyContender = {
  key: "aead-limit",
  label: "Limit: AEAD open alone",
  includes:
    "Limit, AEAD: `open` (XChaCha20-Poly1305, native ChaCha20-Poly1305 under an HChaCha20 subkey) of a box the size of each event's payload, with the associated data built as the vault builds it (purpose, vault, event id, schema). No decoding, no merge, no disk.",
  group: "limit",
  budgetMs: 15_000,
  minRuns: 3,
  prepare: (input) => {
    const events = readOrderedEvents(input.orderedEventsFile);
    const key = systemDeps.randomBytes(32).slice(0, 32);
    const ad = (id: string) =>
      associatedData("event", input.account.vaultId, id, BATCH_SIGNED_SCHEMA);
    const boxes = events.map((event) => ({
      id: event.id,
      box: seal(key, new Uint8Array(event.payload.length - SEALED_OVERHEAD), ad(event.id)),
    }));
    return async () => {
      let opened = 0;
      return {
        apply: () => {
          for (const { id, box } of boxes) if (open(key, box, ad(id)).ok) opened++;
        },
        check: () => {
          if (opened !== boxes.length) throw new Error(`opened ${opened} of ${boxes.length} boxes`);
        },
        dispose: () => undefined,
      };
    };
  },
};

/**
 * Authenticity as protocol version 3 costs it (docs/PROTOCOL.md 18.3): the log's batch events
 * (version-2 signed payloads of kind 3), each verified once, and its batch-signed item events
 * (version 3), each hashed as the vault hashes it to look its cover up.
 */
export const authenticityLimit: ApplyContender = {
  key: "authenticity-limit",
  label: "Limit: authenticity, Ed25519 per batch + SHA-256 per event",
  includes:
    "Limit, authenticity (protocol version 3): one `verifyDeviceSignature` (Node's native Ed25519, the public key parsed once) per batch event of the log (one per push request of up to 1,000 events, so one per 999 item events), over the message the vault verifies (the batch's vault id, event id and unsigned payload; signed here by a fresh key, as the first device's key is not in the fixture), and one SHA-256 (`hashEvent(envelopeBytes(...))`, @noble/hashes) of each item event's envelope, as the vault hashes it to find its batch's cover. No cover lookup (SQLite), no AEAD, no decoding, no disk.",
  group: "limit",
  budgetMs: 15_000,
  minRuns: 3,
  prepare: (input) => {
    const events = readOrderedEvents(input.orderedEventsFile);
    const device = createDeviceKeyPairs();
    const vaultId = input.account.vaultId as VaultId;
    const batches = events.flatMap((event) => {
      const parsed = parseSignedPayload(event.payload);
      if (!parsed.ok || parsed.value.kind !== "batch") return [];
      const message = eventSignatureMessage(vaultId, event.id, parsed.value.unsigned);
      return [{ message, signature: signAsDevice(device.signingSeed, message) }];
    });
    const items: EventEnvelope[] = events
      .filter((event) => event.payload[0] === BATCH_SIGNED_PAYLOAD_VERSION)
      .map(({ id, payload }) => ({ id, payload }));
    if (batches.length === 0 || items.length === 0)
      throw new Error(
        `the log holds ${batches.length} batch events and ${items.length} batch-signed item events: not a version-3 log`,
      );
    return async () => {
      let verified = 0;
      let hashed = 0;
      return {
        apply: () => {
          for (const { message, signature } of batches)
            if (verifyDeviceSignature(device.signingKey, message, signature)) verified++;
          for (const item of items) if (hashEvent(envelopeBytes(item)).length === 32) hashed++;
        },
        check: () => {
          if (verified !== batches.length)
            throw new Error(`verified ${verified} of ${batches.length} batch signatures`);
          if (hashed !== items.length)
            throw new Error(`hashed ${hashed} of ${items.length} item events`);
        },
        dispose: () => undefined,
      };
    };
  },
};
