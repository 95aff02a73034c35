/**
 * The writer's batch events (docs/PROTOCOL.md 18.4, `outbox-batches.ts`): each request's item
 * events follow the batch event that names them, a batch never names more than fits in one event,
 * a request read again is the same request, and a request split in two gets a batch per half.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MAX_SEALED_EVENT_BYTES } from "@keypears/base";
import {
  createMemoryEventStore,
  type EventId,
  hashEvent,
  parseSignedPayload,
} from "@keypears/sync-core";
import { MAX_BATCH_EVENTS } from "./outbox-batches.ts";
import { syncThrough } from "./testing/memory-devices.ts";
import { createTestAccount, createTestHome, expectOk } from "./testing/test-platform.ts";
import type { PendingEvent } from "./vault-sync.ts";
import type { Vault } from "./vault.ts";

const home = createTestHome();
let vault: Vault;
before(async () => {
  vault = (await createTestAccount(home.path, "ann@example.com", { serverUrl: "https://x.test" }))
    .vault;
  // Its enrolment leaves the outbox, so every request below holds only changes.
  await syncThrough(createMemoryEventStore(), vault);
});
after(() => {
  vault.lock();
  home.remove();
});

const isBatch = (event: PendingEvent) => event.batchId === event.id;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
/** A request as letters: B a batch event, e a change. */
const shape = (request: readonly PendingEvent[]) =>
  request.map((event) => (isBatch(event) ? "B" : "e")).join("");

test("a batch of the most events one batch names, with a checkpoint, fits the protocol's size limit", () => {
  const hashes = Array.from({ length: MAX_BATCH_EVENTS }, (_, i) =>
    hashEvent(Uint8Array.of(i & 0xff, i >> 8)),
  );
  const batch = vault.sync.signBatch(hashes);
  assert.ok(
    batch.payload.length <= MAX_SEALED_EVENT_BYTES,
    `${batch.payload.length} bytes for ${MAX_BATCH_EVENTS} events`,
  );
  // And one more would not leave much: the limit is what it is for.
  assert.ok(batch.payload.length > MAX_SEALED_EVENT_BYTES - 2000);
  const parsed = parseSignedPayload(batch.payload);
  assert.ok(parsed.ok && parsed.value.kind === "batch");
});

test("each request's changes follow one batch event; reading again gives the same request; the limit splits runs", () => {
  vault.transact(() => {
    for (let i = 0; i < 7; i++) expectOk(vault.add({ fields: { title: `Item ${i}` } }));
  });
  const first = expectOk(vault.sync.pending(4));
  assert.equal(shape(first), "Beee");
  assert.ok(first.slice(1).every((event) => event.batchId === first[0]?.id));
  // A retried push (a lost answer) reads the same request: the same batch event, the same bytes.
  const again = expectOk(vault.sync.pending(4));
  assert.deepEqual(
    again.map((event) => [event.id, hex(event.payload)]),
    first.map((event) => [event.id, hex(event.payload)]),
  );
  const second = expectOk(vault.sync.pending(4, first.at(-1)?.id as EventId));
  assert.equal(shape(second), "Beee");
  const third = expectOk(vault.sync.pending(4, second.at(-1)?.id as EventId));
  assert.equal(shape(third), "Be");
  assert.deepEqual(expectOk(vault.sync.pending(4, third.at(-1)?.id as EventId)), []);
  // Read with a larger limit: the batches already written are kept whole, each ahead of its own.
  assert.equal(shape(expectOk(vault.sync.pending(100))), "BeeeBeeeBe");
  assert.equal(vault.sync.status().pending, 7, "batch events are not counted as changes");
});

test("a request split in two gets a batch event per half, each linked to its events and sized for them", () => {
  const request = expectOk(vault.sync.pending(100));
  const changes = request.filter((event) => !isBatch(event)).map((event) => event.id);
  const half = vault.sync.rebatch(changes.slice(0, 3));
  const rest = vault.sync.rebatch(changes.slice(3));
  assert.equal(shape(half), "Beee");
  assert.equal(shape(rest), "Beeee");
  for (const part of [half, rest]) {
    const [batch, ...events] = part;
    assert.ok(batch !== undefined && events.every((event) => event.batchId === batch.id));
    // A batch event is about 180 bytes and 32 more per event it names.
    assert.ok(Math.abs(batch.payload.length - (180 + 32 * events.length)) < 40);
  }
  // The batch events the split replaced name nothing waiting any more: they are not sent.
  assert.equal(shape(expectOk(vault.sync.pending(100))), "BeeeBeeee");
});
