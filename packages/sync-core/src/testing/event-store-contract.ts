/**
 * The contract every `EventStore` implementation must pass, unchanged: memory, SQLite, PGlite and
 * Postgres alike. Call it from a test file of the implementation's package.
 */

import { bytesEqual, utf8ToBytes } from "@keypears/base";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { boundedIt } from "@keypears/base/testing";
import { after, before, describe } from "node:test";
import { type EventEnvelope, envelopeBytes } from "../envelope.ts";
import type { EventStore } from "../event-store.ts";
import { checkpointsEqual, extendChain, GENESIS } from "../hash-chain.ts";
import { createIdFactory, createVaultId, type VaultId } from "../ids.ts";
import { systemDeps } from "../deps.ts";

const it = boundedIt();

export interface EventStoreHarness {
  readonly store: EventStore;
  /** Releases what the store holds (connections, files). */
  readonly close: () => Promise<void>;
}

const ids = createIdFactory(systemDeps);
const newVault = (): VaultId => createVaultId(systemDeps.randomBytes);
const envelope = (text: string): EventEnvelope => ({
  id: ids.eventId(),
  payload: utf8ToBytes(text),
});
const unwrapAppend = async (
  store: EventStore,
  vaultId: VaultId,
  envelopes: readonly EventEnvelope[],
) => {
  const result = await store.append(vaultId, envelopes);
  assert.ok(result.ok, `append failed: ${JSON.stringify(result)}`);
  return result.value;
};

export const describeEventStoreContract = (
  name: string,
  open: () => Promise<EventStoreHarness>,
): void => {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    before(async () => {
      harness = await open();
      store = harness.store;
    });
    after(async () => {
      await harness.close();
    });

    it("starts an unknown vault at the genesis checkpoint, empty", async () => {
      const vault = newVault();
      assert.ok(checkpointsEqual(await store.head(vault), GENESIS));
      assert.deepEqual(await store.readAfter(vault, 0, 10), []);
      assert.ok(checkpointsEqual((await store.checkpointAt(vault, 0)) ?? GENESIS, GENESIS));
      assert.equal(await store.checkpointAt(vault, 1), undefined);
    });

    it("assigns consecutive positions from 1 and the chain hash over the envelope bytes", async () => {
      const vault = newVault();
      const batch = [envelope("a"), envelope("b"), envelope("c")];
      const result = await unwrapAppend(store, vault, batch);
      assert.deepEqual(
        result.events.map((e) => e.position),
        [1, 2, 3],
      );
      assert.deepEqual(
        result.events.map((e) => e.duplicate),
        [false, false, false],
      );
      const expected = extendChain(GENESIS, batch.map(envelopeBytes));
      assert.ok(checkpointsEqual(result.head, expected));
      assert.ok(checkpointsEqual(await store.head(vault), expected));
      const second = await unwrapAppend(store, vault, [envelope("d")]);
      assert.equal(second.events[0]?.position, 4);
    });

    it("stores payloads byte for byte, including empty and large ones", async () => {
      const vault = newVault();
      const big: EventEnvelope = {
        id: ids.eventId(),
        payload: new Uint8Array(randomBytes(256 * 1024)),
      };
      const empty: EventEnvelope = { id: ids.eventId(), payload: new Uint8Array(0) };
      const zeros: EventEnvelope = { id: ids.eventId(), payload: new Uint8Array(3) };
      await unwrapAppend(store, vault, [big, empty, zeros]);
      const read = await store.readAfter(vault, 0, 10);
      assert.equal(read.length, 3);
      assert.ok(bytesEqual(read[0]?.payload ?? new Uint8Array(1), big.payload));
      assert.equal(read[1]?.payload.length, 0);
      assert.ok(bytesEqual(read[2]?.payload ?? new Uint8Array(1), zeros.payload));
      assert.equal(read[0]?.id, big.id);
    });

    it("returns each stored event with the chain hash after it", async () => {
      const vault = newVault();
      const batch = [envelope("x"), envelope("y")];
      await unwrapAppend(store, vault, batch);
      const read = await store.readAfter(vault, 0, 10);
      const first = extendChain(GENESIS, [envelopeBytes(batch[0] as EventEnvelope)]);
      assert.ok(bytesEqual(read[0]?.chainHash ?? new Uint8Array(), first.hash));
      const checkpoint = await store.checkpointAt(vault, 1);
      assert.ok(checkpoint !== undefined && checkpointsEqual(checkpoint, first));
    });

    it("is idempotent by event id: a retried batch returns the same positions and adds nothing", async () => {
      const vault = newVault();
      const batch = [envelope("1"), envelope("2")];
      const first = await unwrapAppend(store, vault, batch);
      const retry = await unwrapAppend(store, vault, batch);
      assert.deepEqual(
        retry.events.map((e) => e.position),
        [1, 2],
      );
      assert.deepEqual(
        retry.events.map((e) => e.duplicate),
        [true, true],
      );
      assert.ok(checkpointsEqual(retry.head, first.head));
      assert.equal((await store.readAfter(vault, 0, 10)).length, 2);
    });

    it("appends the new events of a partly retried batch after the head", async () => {
      const vault = newVault();
      const a = envelope("a");
      const b = envelope("b");
      await unwrapAppend(store, vault, [a]);
      const result = await unwrapAppend(store, vault, [a, b]);
      assert.deepEqual(
        result.events.map((e) => [e.position, e.duplicate]),
        [
          [1, true],
          [2, false],
        ],
      );
    });

    it("treats an id repeated within one batch as a duplicate of its first occurrence", async () => {
      const vault = newVault();
      const a = envelope("a");
      const result = await unwrapAppend(store, vault, [a, a]);
      assert.deepEqual(
        result.events.map((e) => [e.position, e.duplicate]),
        [
          [1, false],
          [1, true],
        ],
      );
      assert.equal(result.head.position, 1);
    });

    it("refuses an id reused with a different payload and appends nothing of that batch", async () => {
      const vault = newVault();
      const a = envelope("a");
      await unwrapAppend(store, vault, [a]);
      const before = await store.head(vault);
      const result = await store.append(vault, [
        envelope("fresh"),
        { id: a.id, payload: utf8ToBytes("forged") },
      ]);
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? undefined : result.error, { kind: "id-reused", id: a.id });
      assert.ok(checkpointsEqual(await store.head(vault), before));
      assert.equal((await store.readAfter(vault, 0, 10)).length, 1);
    });

    it("keeps vaults apart: positions, hashes and ids are per vault", async () => {
      const one = newVault();
      const two = newVault();
      const shared = envelope("same id in two vaults");
      await unwrapAppend(store, one, [envelope("first"), shared]);
      const result = await unwrapAppend(store, two, [shared]);
      assert.equal(result.events[0]?.position, 1);
      assert.equal(result.events[0]?.duplicate, false);
      assert.equal((await store.readAfter(two, 0, 10)).length, 1);
      assert.equal((await store.head(one)).position, 2);
    });

    it("pages reads after any position and returns nothing past the head", async () => {
      const vault = newVault();
      const batch = Array.from({ length: 25 }, (_, i) => envelope(`e${i}`));
      await unwrapAppend(store, vault, batch);
      const pages: number[][] = [];
      for (let after = 0; after < 25; after += 10) {
        pages.push((await store.readAfter(vault, after, 10)).map((e) => e.position));
      }
      assert.deepEqual(
        pages.flat(),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        (await store.readAfter(vault, 20, 100)).map((e) => e.id),
        batch.slice(20).map((e) => e.id),
      );
      assert.deepEqual(await store.readAfter(vault, 25, 10), []);
      assert.deepEqual(await store.readAfter(vault, 1000, 10), []);
    });

    it("refuses nonsensical read arguments", async () => {
      const vault = newVault();
      await assert.rejects(() => store.readAfter(vault, -1, 10), RangeError);
      await assert.rejects(() => store.readAfter(vault, 0, 0), RangeError);
      await assert.rejects(() => store.readAfter(vault, 0.5, 10), RangeError);
    });

    it("accepts an empty batch without moving the head", async () => {
      const vault = newVault();
      await unwrapAppend(store, vault, [envelope("a")]);
      const result = await unwrapAppend(store, vault, []);
      assert.deepEqual(result.events, []);
      assert.equal(result.head.position, 1);
    });

    it("serializes concurrent appends to one vault into one valid chain", async () => {
      const vault = newVault();
      const batches = Array.from({ length: 12 }, (_, i) => [
        envelope(`c${i}a`),
        envelope(`c${i}b`),
      ]);
      const results = await Promise.all(batches.map((batch) => store.append(vault, batch)));
      assert.ok(results.every((r) => r.ok));
      const read = await store.readAfter(vault, 0, 100);
      assert.deepEqual(
        read.map((e) => e.position),
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
      // Each batch stays contiguous, and the served chain recomputes exactly.
      for (const batch of batches) {
        const positions = batch.map((e) => read.findIndex((r) => r.id === e.id));
        assert.equal(positions[1], (positions[0] as number) + 1);
      }
      const recomputed = extendChain(GENESIS, read.map(envelopeBytes));
      assert.ok(checkpointsEqual(recomputed, await store.head(vault)));
    });
  });
};
