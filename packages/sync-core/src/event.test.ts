import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { canonicalOp, type EventOp, isNormalizedOp, normalizeOp } from "./event.ts";
import type { EventId } from "./ids.ts";

const idArb = fc.constantFrom(
  ...["0a", "0b", "1a", "ff"].map((tail) => `018f3a2b-0000-7000-8000-0000000000${tail}` as EventId),
);
const nameArb = fc.constantFrom("title", "a", "b", "ä", "😀", "\uFFFF", "a\u0300");
const plain = { noNullPrototype: true } as const;
const opArb: fc.Arbitrary<EventOp> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("set" as const),
      lifecycleSeen: fc.array(idArb, { maxLength: 3 }),
      fields: fc.array(
        fc.record(
          { name: nameArb, value: fc.string(), basedOn: fc.array(idArb, { maxLength: 3 }) },
          plain,
        ),
        { maxLength: 4 },
      ),
    },
    plain,
  ),
  fc.record(
    {
      kind: fc.constantFrom("delete" as const, "restore" as const, "purge" as const),
      basedOn: fc.array(idArb, { maxLength: 3 }),
      seenFields: fc.array(
        fc.record({ name: nameArb, heads: fc.array(idArb, { maxLength: 3 }) }, plain),
        { maxLength: 3 },
      ),
    },
    plain,
  ),
);

const names = (op: EventOp): string[] =>
  op.kind === "set" ? op.fields.map((f) => f.name) : op.seenFields.map((f) => f.name);

test("property: canonicalOp is normalizeOp, without a copy when the op is already canonical", () => {
  fc.assert(
    fc.property(opArb, (op) => {
      const canonical = canonicalOp(op);
      assert.deepStrictEqual(canonical, normalizeOp(op));
      assert.equal(canonical === op, isNormalizedOp(op));
      const normalized = normalizeOp(op);
      const unique = new Set(names(op)).size === names(op).length;
      assert.equal(isNormalizedOp(normalized), unique);
      if (unique) assert.equal(canonicalOp(normalized), normalized);
    }),
    { numRuns: 2000 },
  );
});
