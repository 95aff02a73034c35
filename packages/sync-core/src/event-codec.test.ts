import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { encode } from "cborg";
import { createSeededRandom } from "./deps.ts";
import type { Event, FieldValue } from "./event.ts";
import { decodeEvent, encodeEvent } from "./event-codec.ts";
import { GENESIS } from "./hash-chain.ts";
import { hlcToBytes } from "./hlc.ts";
import { createIdFactory, createVaultId, type DeviceId, type EventId, uuidToBytes } from "./ids.ts";

const random = createSeededRandom(5);
const ids = createIdFactory({ now: () => 1_700_000_000_000, randomBytes: random });
const vaultId = createVaultId(random);
const node = "0123456789abcdef" as DeviceId;

const sample = (overrides: Partial<Event> = {}): Event => ({
  id: ids.eventId(),
  vaultId,
  itemId: ids.itemId(),
  hlc: { millis: 1_700_000_000_000, counter: 3, node },
  checkpoint: null,
  op: {
    kind: "set",
    lifecycleSeen: [],
    fields: [
      { name: "title", value: "Bank", basedOn: [] },
      { name: "urls", value: ["https://bank.example", "https://m.bank.example"], basedOn: [] },
      { name: "favourite", value: true, basedOn: [] },
    ],
  },
  ...overrides,
});

test("an event decodes to what was encoded, with lists in canonical order", () => {
  const event = sample();
  const decoded = decodeEvent(encodeEvent(event));
  assert.ok(decoded.ok);
  assert.equal(decoded.value.id, event.id);
  assert.deepEqual(
    decoded.value.op.kind === "set" ? decoded.value.op.fields.map((f) => f.name) : [],
    ["favourite", "title", "urls"],
  );
});

test("the encoding does not depend on the order lists were given in", () => {
  const a = ids.eventId();
  const b = ids.eventId();
  const base = sample();
  const one = {
    ...base,
    op: {
      kind: "delete" as const,
      basedOn: [a, b],
      seenFields: [
        { name: "x", heads: [b, a] },
        { name: "a", heads: [] },
      ],
    },
  };
  const two = {
    ...base,
    op: {
      kind: "delete" as const,
      basedOn: [b, a, a],
      seenFields: [
        { name: "a", heads: [] },
        { name: "x", heads: [a, b] },
      ],
    },
  };
  assert.deepEqual(encodeEvent(one), encodeEvent(two));
});

test("a checkpoint and every lifecycle kind survive the round trip", () => {
  for (const kind of ["delete", "restore", "purge"] as const) {
    const event = sample({
      checkpoint: GENESIS,
      op: { kind, basedOn: [ids.eventId()], seenFields: [] },
    });
    const decoded = decodeEvent(encodeEvent(event));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.op.kind, kind);
    assert.equal(decoded.value.checkpoint?.position, 0);
  }
});

const raw = (event: Event, op: unknown): Uint8Array =>
  encode([
    1,
    uuidToBytes(event.vaultId),
    uuidToBytes(event.id),
    uuidToBytes(event.itemId),
    hlcToBytes(event.hlc),
    null,
    op,
  ]);

test("a non-canonical encoding of a valid event is refused", () => {
  const event = sample();
  const unsorted = raw(event, [
    0,
    [],
    [
      ["title", "x", []],
      ["notes", "y", []],
    ],
  ]);
  const result = decodeEvent(unsorted);
  assert.deepEqual(result, {
    ok: false,
    error: { kind: "invalid-event", reason: "not in canonical form" },
  });
});

test("malformed events are refused with a reason, never thrown", () => {
  const event = sample();
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([0xff, 0x00]), /malformed CBOR/],
    [raw(event, [0, [], []]), /at least one field/],
    [raw(event, [0, [], [["a", 1.5, []]]]), /unsupported type|malformed/],
    [
      raw(event, [
        0,
        [],
        [
          ["a", "x", []],
          ["a", "y", []],
        ],
      ]),
      /written twice/,
    ],
    [raw(event, [9, [], []]), /unknown op code/],
    [raw(event, [0, [], [["", "x", []]]]), /field name/],
    [raw(event, [0, [new Uint8Array(3)], [["a", "x", []]]]), /16 bytes/],
    [encode([2]), /version/],
    [encode("not an array"), /must be an array/],
  ];
  for (const [bytes, reason] of cases) {
    const result = decodeEvent(bytes);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error.reason, reason);
  }
});

test("values nested deeper than the limit are refused", () => {
  let deep: FieldValue = "x";
  for (let i = 0; i < 20; i++) deep = [deep];
  const result = decodeEvent(raw(sample(), [0, [], [["a", deep, []]]]));
  assert.equal(result.ok, false);
});

const fieldValueArb: fc.Arbitrary<FieldValue> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: "grapheme" }),
    fc.array(tie("value"), { maxLength: 3 }),
  ),
})).value as fc.Arbitrary<FieldValue>;

test("property: any event round-trips through its canonical bytes, which are stable", () => {
  const idArb = fc.constantFrom(...Array.from({ length: 8 }, () => ids.eventId()));
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.record({
          name: fc.string({ minLength: 1, maxLength: 20 }),
          value: fieldValueArb,
          basedOn: fc.array(idArb),
        }),
        {
          minLength: 1,
          maxLength: 5,
          selector: (f) => f.name,
        },
      ),
      fc.array(idArb),
      (fields, lifecycleSeen) => {
        const event = sample({
          op: { kind: "set", fields, lifecycleSeen: lifecycleSeen as EventId[] },
        });
        const bytes = encodeEvent(event);
        const decoded = decodeEvent(bytes);
        assert.ok(decoded.ok, decoded.ok ? "" : decoded.error.reason);
        assert.deepEqual(encodeEvent(decoded.value), bytes);
      },
    ),
  );
});

test("property: random bytes never crash the decoder", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const result = decodeEvent(bytes);
      assert.equal(typeof result.ok, "boolean");
    }),
  );
});

test("property: flipping any bit of an encoded event never yields the same event", () => {
  const bytes = encodeEvent(sample());
  fc.assert(
    fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
      const mutated = bytes.slice();
      mutated[bit >> 3]! ^= 1 << (bit & 7);
      const result = decodeEvent(mutated);
      if (result.ok) assert.notDeepEqual(encodeEvent(result.value), bytes);
    }),
  );
});

test("text that starts with a byte-order mark (U+FEFF) survives the round trip exactly", () => {
  const event = sample({
    op: {
      kind: "set",
      lifecycleSeen: [],
      fields: [{ name: "\uFEFFnotes", value: ["\uFEFFpasted", "\uFEFF"], basedOn: [] }],
    },
  });
  const decoded = decodeEvent(encodeEvent(event));
  assert.ok(decoded.ok, decoded.ok ? "" : decoded.error.reason);
  assert.deepEqual(decoded.value.op.kind === "set" ? decoded.value.op.fields : [], [
    { name: "\uFEFFnotes", value: ["\uFEFFpasted", "\uFEFF"], basedOn: [] },
  ]);
});
