import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "@keypears/base";
import { bytesToUuid, hasUuidVariant, isUuid, uuidAt, uuidToBytes } from "./ids.ts";

test("property: UUID text and bytes convert both ways exactly as the hex forms say", () => {
  const hexUuid = (bytes: Uint8Array) => {
    const hex = bytesToHex(bytes);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(7), (bytes, offset) => {
      const text = bytesToUuid(bytes);
      assert.equal(text, hexUuid(bytes));
      const padded = new Uint8Array(offset + 16);
      padded.set(bytes, offset);
      assert.equal(uuidAt(padded, offset), text);
      assert.equal(hasUuidVariant(bytes), isUuid(text));
      if (isUuid(text)) assert.deepEqual(uuidToBytes(text), bytes);
      else assert.throws(() => uuidToBytes(text), /expected a lowercase UUID/);
    }),
  );
});

test("property: uuidToBytes accepts exactly what isUuid accepts", () => {
  const valid = "018f3a2b-1111-7abc-9def-0123456789ab";
  const edited = fc
    .record({
      at: fc.nat(40),
      insert: fc.boolean(),
      char: fc.constantFrom(..."0189abfgAF-_ \u00e9".split("")),
    })
    .map(({ at, insert, char }) => valid.slice(0, at) + char + valid.slice(insert ? at : at + 1));
  fc.assert(
    fc.property(fc.oneof(edited, fc.string({ maxLength: 40 })), (text) => {
      if (isUuid(text)) assert.equal(bytesToUuid(uuidToBytes(text)), text);
      else assert.throws(() => uuidToBytes(text), /expected a lowercase UUID/);
    }),
    { numRuns: 2000 },
  );
  assert.throws(() => bytesToUuid(new Uint8Array(15)), /expected 16 UUID bytes/);
});
