/**
 * The raw limits beside the vault: SQLite writing the same bytes (no crypto, no merge), the AEAD
 * opening boxes of the same sizes (no decoding, no disk), and Ed25519 verifying a signature per
 * event (every event of protocol version 2 is signed by its device, and verified on every device). A vault that applied events as fast
 * as these would be spending nothing on anything else.
 */

import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  associatedData,
  createDeviceKeyPairs,
  open,
  SEALED_OVERHEAD,
  seal,
  signAsDevice,
  verifyDeviceSignature,
} from "@keypears/crypto";
import { systemDeps } from "@keypears/sync-core";
import { openSqlite } from "@keypears/vault";
import { readOrderedEvents } from "../fixtures/ordered-events.ts";
import { createMergeWorkload } from "../merge/workload.ts";
import type { ApplyContender } from "./contender.ts";
import { APPLY_BATCH } from "./keypears.ts";

/** As the vault seals events: purpose, vault, event id, schema version. */
const EVENT_SCHEMA = 1;

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
    // The log starts with the device's enrolment in the roster (no item), then one event per set.
    const rosterEvents = events.length - workload.sets.length;
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
                const item = itemOf[event.position - 1 - rosterEvents];
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
    const ad = (id: string) => associatedData("event", input.account.vaultId, id, EVENT_SCHEMA);
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

export const signatureLimit: ApplyContender = {
  key: "signature-limit",
  label: "Limit: Ed25519 verify alone",
  includes:
    "Limit, Ed25519: `verifyDeviceSignature` (Node's native Ed25519, the public key parsed once) of one signature per event, over a message as long as the event's payload, as the vault verifies each event's author before opening it. No AEAD, no decoding, no disk.",
  group: "limit",
  budgetMs: 15_000,
  minRuns: 3,
  prepare: (input) => {
    const events = readOrderedEvents(input.orderedEventsFile);
    const device = createDeviceKeyPairs();
    const signed = events.map((event) => {
      const message = Uint8Array.from(event.payload);
      return { message, signature: signAsDevice(device.signingSeed, message) };
    });
    return async () => {
      let verified = 0;
      return {
        apply: () => {
          for (const { message, signature } of signed)
            if (verifyDeviceSignature(device.signingKey, message, signature)) verified++;
        },
        check: () => {
          if (verified !== signed.length)
            throw new Error(`verified ${verified} of ${signed.length} signatures`);
        },
        dispose: () => undefined,
      };
    };
  },
};
