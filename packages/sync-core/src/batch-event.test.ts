import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesEqual, hexToBytes } from "@keypears/base";
import fc from "fast-check";
import {
  type Batch,
  batchSignedItemPayload,
  decodeBatch,
  encodeBatch,
  parseBatchSignedItemPayload,
} from "./batch-event.ts";
import type { ChainHash } from "./hash-chain.ts";
import type { DeviceId, EventId } from "./ids.ts";

const ID_A = "018f0000-0000-7000-8000-00000000000a" as EventId;
const ID_B = "018f0000-0000-7000-8000-00000000000b" as EventId;
const idBytes = (id: string): number[] => [...hexToBytes(id.replaceAll("-", ""))];
const hashOf = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

test("a batch encodes as [1, checkpoint, [[id, hash], ...]] with its covers in order of id", () => {
  const batch: Batch = {
    checkpoint: { position: 300, hash: hashOf(7) as ChainHash },
    covers: [
      { id: ID_B, hash: hashOf(2) },
      { id: ID_A, hash: hashOf(1) },
    ],
  };
  const checkpoint = [0x82, 0x19, 0x01, 0x2c, 0x58, 0x20, ...hashOf(7)];
  const coverA = [0x82, 0x50, ...idBytes(ID_A), 0x58, 0x20, ...hashOf(1)];
  const coverB = [0x82, 0x50, ...idBytes(ID_B), 0x58, 0x20, ...hashOf(2)];
  const expected = Uint8Array.from([0x83, 0x01, ...checkpoint, 0x82, ...coverA, ...coverB]);
  const bytes = encodeBatch(batch);
  assert.deepEqual(bytes, expected);
  const decoded = decodeBatch(bytes);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value, {
    checkpoint: { position: 300, hash: hashOf(7) },
    covers: [
      { id: ID_A, hash: hashOf(1) },
      { id: ID_B, hash: hashOf(2) },
    ],
  });
  const none = decodeBatch(
    encodeBatch({ checkpoint: null, covers: [{ id: ID_A, hash: hashOf(1) }] }),
  );
  assert.ok(none.ok && none.value.checkpoint === null);
});

test("encoding refuses a batch that covers nothing, an event twice or a short hash", () => {
  assert.throws(() => encodeBatch({ checkpoint: null, covers: [] }), /at least one/);
  assert.throws(
    () =>
      encodeBatch({
        checkpoint: null,
        covers: [
          { id: ID_A, hash: hashOf(1) },
          { id: ID_A, hash: hashOf(2) },
        ],
      }),
    /covered twice/,
  );
  assert.throws(
    () => encodeBatch({ checkpoint: null, covers: [{ id: ID_A, hash: new Uint8Array(31) }] }),
    /32 bytes/,
  );
});

test("decoding refuses every other encoding of a batch, with the reason", () => {
  const cover = (id: string, byte: number) => [
    0x82,
    0x50,
    ...idBytes(id),
    0x58,
    0x20,
    ...hashOf(byte),
  ];
  const cases: [string, number[], RegExp][] = [
    ["unsorted", [0x83, 0x01, 0xf6, 0x82, ...cover(ID_B, 2), ...cover(ID_A, 1)], /canonical/],
    ["an event twice", [0x83, 0x01, 0xf6, 0x82, ...cover(ID_A, 1), ...cover(ID_A, 2)], /canonical/],
    ["empty", [0x83, 0x01, 0xf6, 0x80], /at least one/],
    ["version 2", [0x83, 0x02, 0xf6, 0x81, ...cover(ID_A, 1)], /version 2/],
    ["four elements", [0x84, 0x01, 0xf6, 0x81, ...cover(ID_A, 1), 0xf6], /3 elements/],
    ["bytes after the end", [0x83, 0x01, 0xf6, 0x81, ...cover(ID_A, 1), 0x00], /after the end/],
    [
      "a short hash",
      [0x83, 0x01, 0xf6, 0x81, 0x82, 0x50, ...idBytes(ID_A), 0x58, 0x1f, ...new Uint8Array(31)],
      /event hash/,
    ],
    [
      "an id without the UUID variant",
      [0x83, 0x01, 0xf6, 0x81, ...cover("018f0000-0000-7000-0000-00000000000a", 1)],
      /not a UUID/,
    ],
    [
      "a position not in shortest form",
      [0x83, 0x01, 0x82, 0x19, 0x00, 0x05, 0x58, 0x20, ...hashOf(0), 0x81, ...cover(ID_A, 1)],
      /longer than needed/,
    ],
  ];
  for (const [what, bytes, reason] of cases) {
    const decoded = decodeBatch(Uint8Array.from(bytes));
    assert.ok(!decoded.ok, `${what} must be refused`);
    assert.match(decoded.error.reason, reason, what);
  }
});

const idArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const bytes = Uint8Array.from(b);
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = [...bytes].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as EventId;
});
const batchArb: fc.Arbitrary<Batch> = fc.record({
  checkpoint: fc.option(
    fc.record({
      position: fc.oneof(fc.nat(30), fc.maxSafeInteger().map(Math.abs)),
      hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => b as ChainHash),
    }),
  ),
  covers: fc.uniqueArray(
    fc.record({ id: idArb, hash: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
    { minLength: 1, maxLength: 20, selector: (cover) => cover.id },
  ),
});

test("property: every batch decodes to its covers in order, and a changed encoding decodes only if it is the encoding of what it decodes to", () => {
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
        const sorted = [...batch.covers].sort((a, b) => (a.id < b.id ? -1 : 1));
        assert.deepEqual(
          decoded.value.covers.map((c) => [c.id, [...c.hash]]),
          sorted.map((c) => [c.id, [...c.hash]]),
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
