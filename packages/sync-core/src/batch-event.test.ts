import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesEqual } from "@keypears/base";
import fc from "fast-check";
import { type Batch, decodeBatch, encodeBatch } from "./batch-event.ts";
import { batchSignedItemPayload, parseBatchSignedItemPayload } from "./signed-payload.ts";
import type { ChainHash } from "./hash-chain.ts";
import type { DeviceId } from "./ids.ts";

const hashOf = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

test("a batch encodes as [1, checkpoint, the event hashes in order, in one byte string]", () => {
  const batch: Batch = {
    checkpoint: { position: 300, hash: hashOf(7) as ChainHash },
    hashes: [hashOf(2), hashOf(1)],
  };
  const checkpoint = [0x82, 0x19, 0x01, 0x2c, 0x58, 0x20, ...hashOf(7)];
  const hashes = [0x58, 0x40, ...hashOf(1), ...hashOf(2)];
  const bytes = encodeBatch(batch);
  assert.deepEqual(bytes, Uint8Array.from([0x83, 0x01, ...checkpoint, ...hashes]));
  const decoded = decodeBatch(bytes);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value, {
    checkpoint: { position: 300, hash: hashOf(7) },
    hashes: [hashOf(1), hashOf(2)],
  });
  const none = decodeBatch(encodeBatch({ checkpoint: null, hashes: [hashOf(1)] }));
  assert.ok(none.ok && none.value.checkpoint === null);
});

test("encoding refuses a batch that covers nothing, an event twice or a short hash", () => {
  assert.throws(() => encodeBatch({ checkpoint: null, hashes: [] }), /at least one/);
  assert.throws(
    () => encodeBatch({ checkpoint: null, hashes: [hashOf(1), hashOf(1)] }),
    /covered twice/,
  );
  assert.throws(() => encodeBatch({ checkpoint: null, hashes: [new Uint8Array(31)] }), /32 bytes/);
});

test("decoding refuses every other encoding of a batch, with the reason", () => {
  const two = (a: number, b: number) => [0x58, 0x40, ...hashOf(a), ...hashOf(b)];
  const one = (a: number) => [0x58, 0x20, ...hashOf(a)];
  const cases: [string, number[], RegExp][] = [
    ["unsorted", [0x83, 0x01, 0xf6, ...two(2, 1)], /canonical/],
    ["an event twice", [0x83, 0x01, 0xf6, ...two(1, 1)], /canonical/],
    ["empty", [0x83, 0x01, 0xf6, 0x40], /at least one/],
    ["a partial hash", [0x83, 0x01, 0xf6, 0x58, 0x21, ...hashOf(1), 0], /32 bytes each/],
    ["hashes as an array", [0x83, 0x01, 0xf6, 0x81, ...one(1)], /byte string/],
    ["version 2", [0x83, 0x02, 0xf6, ...one(1)], /version 2/],
    ["four elements", [0x84, 0x01, 0xf6, ...one(1), 0xf6], /3 elements/],
    ["bytes after the end", [0x83, 0x01, 0xf6, ...one(1), 0x00], /after the end/],
    [
      "a position not in shortest form",
      [0x83, 0x01, 0x82, 0x19, 0x00, 0x05, 0x58, 0x20, ...hashOf(0), ...one(1)],
      /longer than needed/,
    ],
    [
      "a length not in shortest form",
      [0x83, 0x01, 0xf6, 0x59, 0x00, 0x20, ...hashOf(1)],
      /longer than needed/,
    ],
  ];
  for (const [what, bytes, reason] of cases) {
    const decoded = decodeBatch(Uint8Array.from(bytes));
    assert.ok(!decoded.ok, `${what} must be refused`);
    assert.match(decoded.error.reason, reason, what);
  }
});

const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const batchArb: fc.Arbitrary<Batch> = fc.record({
  checkpoint: fc.option(
    fc.record({
      position: fc.oneof(fc.nat(30), fc.maxSafeInteger().map(Math.abs)),
      hash: hashArb.map((b) => b as ChainHash),
    }),
  ),
  hashes: fc.uniqueArray(hashArb, {
    minLength: 1,
    maxLength: 20,
    selector: (hash) => [...hash].join(","),
  }),
});

const compare = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);

test("property: every batch decodes to its hashes in order, and a changed encoding decodes only if it is the encoding of what it decodes to", () => {
  fc.assert(
    fc.property(
      batchArb,
      fc.array(fc.record({ at: fc.nat(), byte: fc.nat(255), insert: fc.boolean() }), {
        maxLength: 3,
      }),
      (batch, edits) => {
        const bytes = encodeBatch(batch);
        const decoded = decodeBatch(bytes);
        assert.ok(decoded.ok);
        assert.deepEqual(
          decoded.value.hashes.map((h) => [...h]),
          [...batch.hashes].sort(compare).map((h) => [...h]),
        );
        assert.equal(decoded.value.checkpoint?.position, batch.checkpoint?.position);
        const changed = [...bytes];
        for (const edit of edits) {
          const at = edit.at % (changed.length + 1);
          if (edit.insert) changed.splice(at, 0, edit.byte);
          else if (at < changed.length) changed[at] = edit.byte;
        }
        const mutated = Uint8Array.from(changed);
        const again = decodeBatch(mutated);
        if (again.ok) assert.ok(bytesEqual(encodeBatch(again.value), mutated));
      },
    ),
    { numRuns: 5000 },
  );
});

test("a batch-signed item payload is 0x03, kind 1, signer, epoch, box; other layouts are refused", () => {
  const signer = "0102030405060708" as DeviceId;
  const box = Uint8Array.from({ length: 41 }, (_, i) => i);
  const payload = batchSignedItemPayload(signer, 258, box);
  assert.deepEqual(payload, Uint8Array.from([3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 1, 2, ...box]));
  const parsed = parseBatchSignedItemPayload(payload);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, { signer, epoch: 258, box });
  const refusals: [Uint8Array, RegExp][] = [
    [Uint8Array.from([2, ...payload.subarray(1)]), /not a version-3/],
    [Uint8Array.from([3, 2, ...payload.subarray(2)]), /unknown kind 2/],
    [payload.subarray(0, payload.length - 1), /too short/],
  ];
  for (const [bytes, reason] of refusals) {
    const refused = parseBatchSignedItemPayload(bytes);
    assert.ok(!refused.ok);
    assert.match(refused.error.detail, reason);
  }
  assert.throws(() => batchSignedItemPayload(signer, 2 ** 32, box), /epoch/);
});
