import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { bytesEqual, bytesToHex, utf8ToBytes } from "@keypears/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { createSeededRandom } from "./deps.ts";
import { envelopeBytes } from "./envelope.ts";
import {
  type ChainEntry,
  type ChainedEvent,
  chainStep,
  type Checkpoint,
  diagnoseHistories,
  extendChain,
  GENESIS,
  GENESIS_HASH,
  hashEvent,
  verifySegment,
} from "./hash-chain.ts";
import { createIdFactory, type EventId } from "./ids.ts";

interface LogEvent {
  readonly id: EventId;
  readonly bytes: Uint8Array;
}

const makeLog = (seed: number, length: number): LogEvent[] => {
  const random = createSeededRandom(seed);
  const ids = createIdFactory({ now: () => 1_700_000_000_000, randomBytes: random });
  return Array.from({ length }, () => {
    const id = ids.eventId();
    return { id, bytes: envelopeBytes({ id, payload: random(1 + (random(1)[0] as number)) }) };
  });
};

/** What an honest server serves: each event with the chain hash after it. */
const chained = (log: readonly LogEvent[], from: Checkpoint = GENESIS): ChainedEvent[] => {
  let hash = from.hash;
  return log.map((event, i) => {
    hash = chainStep(hash, hashEvent(event.bytes));
    return { position: from.position + i + 1, bytes: event.bytes, chainHash: hash };
  });
};

const entries = (log: readonly LogEvent[]): ChainEntry[] =>
  log.map((event, i) => ({ position: i + 1, id: event.id, eventHash: hashEvent(event.bytes) }));

const headOf = (events: readonly ChainedEvent[]): Checkpoint => {
  const last = events.at(-1);
  return last === undefined ? GENESIS : { position: last.position, hash: last.chainHash };
};

test("the chain starts at a fixed constant and follows H_n = SHA-256(H_(n-1) || SHA-256(event n))", () => {
  assert.equal(
    bytesToHex(GENESIS_HASH),
    bytesToHex(sha256(utf8ToBytes("keypears/v1/chain/genesis"))),
  );
  const bytes = utf8ToBytes("event one");
  const expected = sha256(new Uint8Array([...GENESIS_HASH, ...sha256(bytes)]));
  const after = extendChain(GENESIS, [bytes]);
  assert.equal(after.position, 1);
  assert.ok(bytesEqual(after.hash, expected));
});

test("an honest segment verifies and yields the new checkpoint", () => {
  const log = makeLog(1, 10);
  const served = chained(log);
  const result = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: served,
    head: headOf(served),
  });
  assert.deepEqual(result, { ok: true, value: headOf(served) });
});

test("a page that stops before the head verifies up to where it stops", () => {
  const served = chained(makeLog(2, 10));
  const result = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: served.slice(0, 4),
    head: headOf(served),
  });
  assert.ok(result.ok);
  assert.equal(result.value.position, 4);
});

test("a changed byte is reported as a hash mismatch at its position", () => {
  const served = chained(makeLog(3, 6));
  const tampered = served.map((e) =>
    e.position === 4
      ? { ...e, bytes: Uint8Array.from(e.bytes, (b, i) => (i === 20 ? b ^ 1 : b)) }
      : e,
  );
  const result = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: tampered,
    head: headOf(served),
  });
  assert.deepEqual(result, { ok: false, error: { kind: "hash-mismatch", position: 4 } });
});

test("an event left out is reported as missing at its position", () => {
  const served = chained(makeLog(4, 6)).filter((e) => e.position !== 3);
  const result = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: served,
    head: headOf(served),
  });
  assert.deepEqual(result, { ok: false, error: { kind: "missing-event", position: 3 } });
});

test("events served out of order are reported", () => {
  const served = chained(makeLog(5, 6));
  const swapped = [served[0], served[2], served[1], ...served.slice(3)] as ChainedEvent[];
  const result = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: swapped,
    head: headOf(served),
  });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? "" : result.error.kind, "missing-event");
  const repeated = [served[0], served[1], served[1]] as ChainedEvent[];
  const again = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: repeated,
    head: headOf(served),
  });
  assert.deepEqual(again, { ok: false, error: { kind: "out-of-order", position: 2, expected: 3 } });
});

test("a head behind the verified checkpoint is a rollback", () => {
  const served = chained(makeLog(6, 6));
  const trusted = headOf(served);
  const old = served[2] as ChainedEvent;
  const result = verifySegment({
    trusted,
    anchor: trusted,
    events: [],
    head: { position: old.position, hash: old.chainHash },
  });
  assert.deepEqual(result, { ok: false, error: { kind: "rollback", verified: 6, served: 3 } });
});

test("a history that does not pass through the verified checkpoint is refused (a fork)", () => {
  const mine = chained(makeLog(7, 5));
  const theirs = chained(makeLog(8, 8));
  const trusted = headOf(mine);
  const anchor = { position: 5, hash: (theirs[4] as ChainedEvent).chainHash };
  const result = verifySegment({ trusted, anchor, events: theirs.slice(5), head: headOf(theirs) });
  assert.deepEqual(result, { ok: false, error: { kind: "does-not-extend", position: 5 } });
});

test("a claimed head that its own events do not add up to is refused", () => {
  const served = chained(makeLog(9, 4));
  const result = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: served,
    head: { position: 4, hash: GENESIS_HASH },
  });
  assert.deepEqual(result, { ok: false, error: { kind: "head-mismatch", position: 4 } });
  const short = verifySegment({
    trusted: GENESIS,
    anchor: GENESIS,
    events: served,
    head: { position: 3, hash: GENESIS_HASH },
  });
  assert.deepEqual(short, { ok: false, error: { kind: "head-mismatch", position: 3 } });
});

type Mutation =
  | { kind: "flip"; index: number; bit: number }
  | { kind: "drop"; index: number }
  | { kind: "swap"; i: number; j: number }
  | { kind: "insert"; index: number; seed: number }
  | { kind: "duplicate"; index: number; at: number }
  | { kind: "truncate"; length: number };

const mutate = (log: readonly LogEvent[], m: Mutation): LogEvent[] => {
  const out = [...log];
  const at = (i: number) => i % log.length;
  switch (m.kind) {
    case "flip": {
      const event = out[at(m.index)] as LogEvent;
      const bytes = event.bytes.slice();
      const bit = m.bit % (bytes.length * 8);
      bytes[bit >> 3]! ^= 1 << (bit & 7);
      out[at(m.index)] = { id: event.id, bytes };
      return out;
    }
    case "drop":
      out.splice(at(m.index), 1);
      return out;
    case "swap": {
      const i = at(m.i);
      const j = at(m.j);
      [out[i], out[j]] = [out[j] as LogEvent, out[i] as LogEvent];
      return out;
    }
    case "insert":
      out.splice(at(m.index), 0, makeLog(m.seed + 1000, 1)[0] as LogEvent); // appending would be a legitimate extension
      return out;
    case "duplicate":
      out.splice(at(m.at), 0, out[at(m.index)] as LogEvent);
      return out;
    case "truncate":
      return out.slice(0, m.length % log.length);
  }
};

const expectedKind: Record<Mutation["kind"], readonly string[]> = {
  flip: ["changed"],
  drop: ["missing", "truncated"], // dropping the last event is a truncation
  swap: ["reordered"],
  insert: ["inserted"],
  duplicate: ["inserted"],
  truncate: ["truncated"],
};

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), index: fc.nat(), bit: fc.nat() }),
  fc.record({ kind: fc.constant("drop" as const), index: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), index: fc.nat(), seed: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), index: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), length: fc.nat() }),
);

test("property: every single mutation of a random log is detected against its checkpoint, and named", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 40 }),
      fc.nat(),
      mutationArb,
      (length, seed, mutation) => {
        const log = makeLog(seed, length);
        const mutated = mutate(log, mutation);
        // Only changes to the checkpointed history count: a copy placed right after the last event is
        // just a new event extending it, which the chain rightly accepts.
        fc.pre(mutated.length < log.length || log.some((e, i) => e !== mutated[i]));
        const trusted = extendChain(
          GENESIS,
          log.map((e) => e.bytes),
        );
        // A server that recomputes a consistent chain for its altered log: the device compares the
        // server's chain hash at its own verified position with the checkpoint it holds.
        const served = chained(mutated);
        const anchor = served[trusted.position - 1];
        const anchorMatches = anchor !== undefined && bytesEqual(anchor.chainHash, trusted.hash);
        assert.equal(
          anchorMatches,
          false,
          "the altered history must not pass through the trusted checkpoint",
        );
        const result = verifySegment({
          trusted,
          anchor:
            anchor === undefined
              ? headOf(served)
              : { position: anchor.position, hash: anchor.chainHash },
          events: [],
          head: headOf(served),
        });
        assert.equal(result.ok, false);
        assert.ok(["does-not-extend", "rollback"].includes(result.ok ? "" : result.error.kind));
        // With its own copy, the device names the mutation.
        const difference = diagnoseHistories(entries(log), entries(mutated));
        assert.ok(
          expectedKind[mutation.kind].includes(difference.kind),
          `${mutation.kind} diagnosed as ${difference.kind}`,
        );
      },
    ),
    { numRuns: 500 },
  );
});

test("property: identical histories are diagnosed as identical", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20 }), fc.nat(), (length, seed) => {
      const log = makeLog(seed, length);
      assert.deepEqual(diagnoseHistories(entries(log), entries(log)), { kind: "identical" });
    }),
  );
});
