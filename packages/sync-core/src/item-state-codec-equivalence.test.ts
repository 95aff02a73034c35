import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asPlainBytes,
  bytesEqual,
  bytesToHex,
  err,
  hexToBytes,
  ok,
  type Result,
} from "@keypears/base";
import { decode, encode } from "cborg";
import fc from "fast-check";
import { createSeededRandom } from "./deps.ts";
import { compareCodePoints, type FieldValue, isFieldValue, type LifecycleKind } from "./event.ts";
import { type Hlc, hlcFromBytes, hlcToBytes, isValidHlc } from "./hlc.ts";
import { createVaultId, type DeviceId, type EventId, type ItemId } from "./ids.ts";
import { decodeItemState, encodeItemState } from "./item-state-codec.ts";
import {
  addLifecycle,
  addWrite,
  type AppliedEvent,
  createItemState,
  type ItemState,
} from "./item-state.ts";
import { createTestDevice } from "./testing/test-device.ts";

// The codec before it checked canonical form while reading, kept as the oracle: decode with cborg,
// validate, and (unless trusted) re-encode with the encoder of that time and compare.
const oracle = (() => {
  const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const uuidToBytes = (uuid: string): Uint8Array => {
    if (!uuidPattern.test(uuid)) throw new Error(`expected a lowercase UUID, got ${uuid}`);
    return hexToBytes(uuid.replaceAll("-", ""));
  };
  const bytesToUuid = (bytes: Uint8Array): string => {
    const hex = bytesToHex(bytes);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const codeByKind = { set: 0, delete: 1, restore: 2, purge: 3 } as const;
  const kindByCode = ["set", "delete", "restore", "purge"] as const;
  const byId = <T extends { readonly eventId: EventId }>(a: T, b: T) =>
    a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
  const ids = (list: readonly EventId[]) => list.map(uuidToBytes);
  const encodeThen = (state: ItemState): Uint8Array => {
    const applied = [...state.applied]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, event]) => [uuidToBytes(id), hlcToBytes(event.hlc), codeByKind[event.kind]]);
    const fields = [...state.fields]
      .sort(([a], [b]) => compareCodePoints(a, b))
      .map(([name, field]) => [
        name,
        [...field.writes.values()]
          .sort(byId)
          .map((w) => [uuidToBytes(w.eventId), w.value, ids(w.basedOn), ids(w.lifecycleSeen)]),
      ]);
    const lifecycle = [...state.lifecycle.values()]
      .sort(byId)
      .map((record) => [
        uuidToBytes(record.eventId),
        ids(record.basedOn),
        [...record.seenFields]
          .sort(([a], [b]) => compareCodePoints(a, b))
          .map(([name, heads]) => [name, ids(heads)]),
      ]);
    return asPlainBytes(encode([1, uuidToBytes(state.itemId), applied, fields, lifecycle]));
  };
  class Invalid extends Error {}
  const fail = (reason: string): never => {
    throw new Invalid(reason);
  };
  const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : fail("array"));
  const asId = (value: unknown): EventId =>
    value instanceof Uint8Array && value.length === 16
      ? (bytesToUuid(value) as EventId)
      : fail("id");
  const asIds = (value: unknown): EventId[] => asArray(value).map(asId);
  const decodeThen = (bytes: Uint8Array, trusted: boolean): Result<ItemState, string> => {
    try {
      const [version, itemIdBytes, applied, fields, lifecycle, ...extra] = asArray(
        decode(bytes, {
          strict: true,
          useMaps: true,
          allowUndefined: false,
          allowIndefinite: false,
        }),
      );
      if (version !== 1 || extra.length > 0) fail("format");
      const state = createItemState(asId(itemIdBytes) as string as ItemId);
      for (const entry of asArray(applied)) {
        const [id, hlcBytes, code] = asArray(entry);
        const hlc = hlcBytes instanceof Uint8Array ? hlcFromBytes(hlcBytes) : undefined;
        const kind = typeof code === "number" ? kindByCode[code] : undefined;
        if (hlc === undefined || !hlc.ok || !isValidHlc(hlc.value) || kind === undefined)
          fail("applied");
        state.applied.set(asId(id), {
          hlc: (hlc as { value: Hlc }).value,
          kind: kind as AppliedEvent["kind"],
        });
      }
      const appliedAs = (id: EventId, kinds: readonly string[]): AppliedEvent => {
        const event = state.applied.get(id);
        return event !== undefined && kinds.includes(event.kind) ? event : fail("no applied");
      };
      for (const entry of asArray(fields)) {
        const [name, writes] = asArray(entry);
        if (typeof name !== "string" || name === "") fail("name");
        for (const w of asArray(writes)) {
          const [id, value, basedOn, lifecycleSeen] = asArray(w);
          if (!isFieldValue(value)) fail("value");
          const eventId = asId(id);
          addWrite(state, {
            eventId,
            field: name as string,
            hlc: appliedAs(eventId, ["set"]).hlc,
            value: value as FieldValue,
            basedOn: asIds(basedOn),
            lifecycleSeen: asIds(lifecycleSeen),
          });
        }
      }
      for (const entry of asArray(lifecycle)) {
        const [id, basedOn, seen] = asArray(entry);
        const eventId = asId(id);
        const applied = appliedAs(eventId, ["delete", "restore", "purge"]);
        addLifecycle(state, {
          eventId,
          hlc: applied.hlc,
          kind: applied.kind as LifecycleKind,
          basedOn: asIds(basedOn),
          seenFields: new Map(
            asArray(seen).map((f) => {
              const [name, heads] = asArray(f);
              return [typeof name === "string" ? name : fail("seen name"), asIds(heads)];
            }),
          ),
        });
      }
      if (!trusted && !bytesEqual(encodeThen(state), bytes)) fail("not in canonical form");
      return ok(state);
    } catch (error) {
      return err(error instanceof Error ? error.message : "?");
    }
  };
  return { encode: encodeThen, decode: decodeThen };
})();

const describe = (
  bytes: Uint8Array,
  expected: Result<ItemState, string>,
  actual: Result<ItemState, unknown>,
) =>
  `${bytesToHex(bytes)}: oracle ${expected.ok ? "accepts" : `refuses (${expected.error})`}, decodeItemState ${actual.ok ? "accepts" : "refuses"}`;

/** Any text in the state (field names, values at any depth, seen field names) that starts with U+FEFF? */
const hasLeadingBom = (state: ItemState): boolean => {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") texts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
  };
  for (const [name, field] of state.fields) {
    texts.push(name);
    for (const write of field.writes.values()) walk(write.value);
  }
  for (const record of state.lifecycle.values()) texts.push(...record.seenFields.keys());
  return texts.some((t) => t.startsWith("\uFEFF"));
};

/**
 * The untrusted decoders agree: both accept, with equal states, or both refuse. One intended
 * exception: the old rule's text decoder (cborg's) dropped a leading U+FEFF and so refused such
 * text; the new decoder keeps it, and may accept there, if the bytes re-encode exactly.
 */
const assertAgree = (bytes: Uint8Array): boolean => {
  const expected = oracle.decode(bytes, false);
  const actual = decodeItemState(bytes);
  if (actual.ok && !expected.ok && hasLeadingBom(actual.value)) {
    // Compared by content: cborg hands some inputs over as a Node Buffer, which a deep equality
    // against the encoder's plain Uint8Array refuses for its prototype alone (seed -888777612).
    assert.ok(bytesEqual(encodeItemState(actual.value), bytes), describe(bytes, expected, actual));
    return true;
  }
  assert.equal(actual.ok, expected.ok, describe(bytes, expected, actual));
  if (actual.ok && expected.ok) assert.deepStrictEqual(actual.value, expected.value);
  return actual.ok;
};

/**
 * A trusted decode accepts only what the old trusted decode accepted, with an equal state, except
 * that a leading U+FEFF is now kept (the old one dropped it, changing the text on every reload).
 */
const assertTrustedWithinOracle = (bytes: Uint8Array, mustAgree: boolean): void => {
  const expected = oracle.decode(bytes, true);
  const actual = decodeItemState(bytes, { trusted: true });
  if (actual.ok && hasLeadingBom(actual.value)) return;
  if (mustAgree) assert.equal(actual.ok, expected.ok, describe(bytes, expected, actual));
  if (actual.ok) {
    assert.ok(expected.ok, describe(bytes, expected, actual));
    assert.deepStrictEqual(actual.value, expected.value);
  }
};

const awkwardText = [
  "title",
  "a",
  "b",
  "ä",
  "😀",
  "\uFFFD",
  "\uFFFF",
  "\uFEFFbom",
  "\uD800",
  "\uDBFF",
  "x\uDC00",
  "",
];
const textArb = fc.oneof(fc.constantFrom(...awkwardText), fc.string({ maxLength: 4 }));
const valueArb: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, 23, 24, -1, -25, 2 ** 53 - 1, -(2 ** 53) + 1),
  textArb,
  fc.array(textArb, { maxLength: 2 }),
);

/** States as devices make them: edits, conflicts and lifecycle changes on one item. */
const simulatedStateArb: fc.Arbitrary<ItemState> = fc
  .record({
    seed: fc.nat(),
    steps: fc.array(
      fc.record({
        device: fc.nat(2),
        action: fc.oneof(
          fc.record({ kind: fc.constant("set" as const), name: textArb, value: valueArb }),
          fc.record({
            kind: fc.constantFrom("delete" as const, "restore" as const, "purge" as const),
          }),
        ),
        deliver: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  })
  .map(({ seed, steps }) => {
    let wall = 1_700_000_000_000;
    const vaultId = createVaultId(createSeededRandom(seed));
    const devices = [0, 1, 2].map((i) =>
      createTestDevice({ vaultId, seed: seed * 3 + i, wall: () => wall }),
    );
    const item = devices[0]!.newItemId();
    devices[0]!.set(item, { title: "t" });
    for (const step of steps) {
      wall += 7;
      const device = devices[step.device]!;
      if (device.view(item) === undefined) continue;
      const event =
        step.action.kind === "set"
          ? step.action.name === ""
            ? undefined
            : device.set(item, { [step.action.name]: step.action.value })
          : device.lifecycle(item, step.action.kind);
      if (event !== undefined && step.deliver) for (const other of devices) other.receive(event);
    }
    return devices[0]!.replica.itemState(item)!;
  });

test("property: encoding is unchanged, and any state decodes as the re-encoding rule decoded it", () => {
  fc.assert(
    fc.property(simulatedStateArb, (state) => {
      const bytes = encodeItemState(state);
      assert.deepEqual(bytes, oracle.encode(state));
      assertAgree(bytes);
      assertTrustedWithinOracle(bytes, true);
    }),
    { numRuns: 500 },
  );
});

// States written directly, with what devices rarely make: names that collide once encoded
// (lone surrogates become U+FFFD), a leading U+FEFF, applied events without writes.
const id = (n: number) => `018f0000-0000-7000-8000-${n.toString(16).padStart(12, "0")}` as EventId;
const hlcArb = fc.record({
  millis: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  counter: fc.integer({ min: 0, max: 0xffff }),
  node: fc.constantFrom("0123456789abcdef", "fedcba9876543210") as fc.Arbitrary<DeviceId>,
});
const builtStateArb: fc.Arbitrary<ItemState> = fc
  .record({
    applied: fc.array(
      fc.record({
        n: fc.nat(9),
        hlc: hlcArb,
        kind: fc.constantFrom("set", "delete", "restore", "purge") as fc.Arbitrary<
          AppliedEvent["kind"]
        >,
      }),
      { maxLength: 5 },
    ),
    writes: fc.array(
      fc.record({
        n: fc.nat(9),
        name: textArb,
        value: valueArb,
        basedOn: fc.array(fc.nat(9), { maxLength: 3 }),
        lifecycleSeen: fc.array(fc.nat(9), { maxLength: 2 }),
      }),
      { maxLength: 6 },
    ),
    changes: fc.array(
      fc.record({
        n: fc.nat(9),
        basedOn: fc.array(fc.nat(9), { maxLength: 3 }),
        seen: fc.array(fc.record({ name: textArb, heads: fc.array(fc.nat(9), { maxLength: 2 }) }), {
          maxLength: 3,
        }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ applied, writes, changes }) => {
    const state = createItemState(id(99) as string as ItemId);
    for (const a of applied) state.applied.set(id(a.n), { hlc: a.hlc, kind: a.kind });
    for (const w of writes) {
      const event = state.applied.get(id(w.n));
      if (event?.kind !== "set" || w.name === "") continue;
      addWrite(state, {
        eventId: id(w.n),
        field: w.name,
        hlc: event.hlc,
        value: w.value,
        basedOn: w.basedOn.map(id),
        lifecycleSeen: w.lifecycleSeen.map(id),
      });
    }
    for (const change of changes) {
      const event = state.applied.get(id(change.n));
      if (event === undefined || event.kind === "set") continue;
      addLifecycle(state, {
        eventId: id(change.n),
        hlc: event.hlc,
        kind: event.kind,
        basedOn: change.basedOn.map(id),
        seenFields: new Map(change.seen.map((s) => [s.name, s.heads.map(id)])),
      });
    }
    return state;
  });

test("property: what the encoder writes, even from odd states, decodes as it did before", () => {
  fc.assert(
    fc.property(builtStateArb, (state) => {
      const bytes = encodeItemState(state);
      assert.deepEqual(bytes, oracle.encode(state));
      assertAgree(bytes);
      assertTrustedWithinOracle(bytes, true);
    }),
    { numRuns: 3000 },
  );
});

const mutationArb = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("flip", "set", "insert", "delete", "truncate"),
  byte: fc.nat(255),
});
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;
const mutate = (bytes: Uint8Array, m: Mutation): Uint8Array => {
  const list = [...bytes];
  const at = m.at % (list.length + 1);
  if (m.kind === "flip" && at < list.length) list[at] = (list[at] as number) ^ (1 << (m.byte & 7));
  if (m.kind === "set" && at < list.length) list[at] = m.byte;
  if (m.kind === "insert") list.splice(at, 0, m.byte);
  if (m.kind === "delete") list.splice(at, 1 + (m.byte & 3));
  if (m.kind === "truncate") list.length = at;
  return Uint8Array.from(list);
};

test("property: on mutated encodings, decoding accepts exactly what the re-encoding rule accepted", () => {
  fc.assert(
    fc.property(
      fc.oneof(simulatedStateArb, builtStateArb),
      fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      (state, mutations) => {
        const bytes = mutations.reduce(mutate, encodeItemState(state));
        assertAgree(bytes);
        assertTrustedWithinOracle(bytes, false);
      },
    ),
    { numRuns: 10000 },
  );
});

type Tree = unknown;
const treeEditArb = fc.record({
  path: fc.array(fc.nat(), { maxLength: 6 }),
  kind: fc.constantFrom("replace", "remove", "duplicate", "swap", "append", "empty"),
  replacement: fc.oneof(
    fc.constantFrom<Tree>(
      null,
      true,
      0,
      1,
      4,
      -1,
      1.5,
      "",
      "title",
      [],
      new Map(),
      new Uint8Array(16),
      new Uint8Array(3),
    ),
    fc.constant(hexToBytes("018f0000000070008000000000000005")),
    fc.constant(hexToBytes("018f0000000070000000000000000005")),
    textArb,
  ),
});
type TreeEdit = typeof treeEditArb extends fc.Arbitrary<infer E> ? E : never;
const editTree = (tree: Tree, edit: TreeEdit): Tree => {
  if (!Array.isArray(tree)) return tree;
  const copy: unknown[] = [...tree];
  const [step, ...rest] = edit.path;
  if (copy.length === 0 || step === undefined)
    return edit.kind === "append" ? [...copy, edit.replacement] : copy;
  const i = step % copy.length;
  if (rest.length > 0 && Array.isArray(copy[i])) {
    copy[i] = editTree(copy[i], { ...edit, path: rest });
    return copy;
  }
  if (edit.kind === "replace") copy[i] = edit.replacement;
  if (edit.kind === "remove") copy.splice(i, 1);
  if (edit.kind === "duplicate") copy.splice(i, 0, copy[i]);
  if (edit.kind === "swap" && i + 1 < copy.length) [copy[i], copy[i + 1]] = [copy[i + 1], copy[i]];
  if (edit.kind === "append") copy.push(edit.replacement);
  if (edit.kind === "empty") copy[i] = [];
  return copy;
};

const editedStructures = fc.property(
  fc.oneof(simulatedStateArb, builtStateArb),
  fc.array(treeEditArb, { minLength: 1, maxLength: 2 }),
  (state, edits) => {
    const tree = decode(encodeItemState(state), { useMaps: true });
    const bytes = encode(edits.reduce(editTree, tree));
    assertAgree(bytes);
    assertTrustedWithinOracle(bytes, false);
  },
);

test("property: on edited CBOR structures, decoding accepts exactly what the re-encoding rule accepted", () => {
  fc.assert(editedStructures, { numRuns: 10000 });
});

// Regression (issue 11): this seed once failed. A field renamed to text starting with U+FEFF
// re-encodes exactly, but cborg had returned the edited bytes as a Buffer and the comparison
// refused them for their prototype. Replayed by seed and path, and kept as fixed bytes (the path
// names a different case once the arbitraries change).
test("regression: seed -888777612, a field renamed to a leading U+FEFF, in a Buffer", () => {
  fc.assert(editedStructures, {
    seed: -888777612,
    path: "2115:0:2:1:3:3:2:2:2:6:3:5:5:5:7:3:3:3:15:16:17",
    endOnFailure: true,
  });
  const bytes = Buffer.from(
    hexToBytes(
      "850150018bcfe56800747d941bbf1d084cab81828350018bcfe56800747e80db8f1bbc78e57250018bcfe568" +
        "0000000e2fca92f3e3d63c008350018bcfe5680774dd8b65ef8c4b1fb03b50018bcfe5680700000e2fca92" +
        "f3e3d63c01818266efbbbf626f6d818450018bcfe56800747e80db8f1bbc78e57261748080818350018bcf" +
        "e5680774dd8b65ef8c4b1fb03b808182657469746c658150018bcfe56800747e80db8f1bbc78e572",
    ),
  );
  assert.equal(assertAgree(bytes), true);
  const decoded = decodeItemState(bytes);
  assert.ok(decoded.ok);
  assert.deepEqual([...decoded.value.fields.keys()], ["\uFEFFbom"]);
});
