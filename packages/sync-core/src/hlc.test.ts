import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compareBytes } from "@keypears/base";
import {
  compareHlc,
  createHlcClock,
  type Hlc,
  hlcFromBytes,
  hlcFromString,
  hlcToBytes,
  hlcToString,
  MAX_HLC_COUNTER,
} from "./hlc.ts";
import type { DeviceId } from "./ids.ts";

const nodeA = "00000000000000aa" as DeviceId;
const nodeB = "00000000000000bb" as DeviceId;
const HOUR = 3_600_000;

test("tick follows the wall clock and counts within one millisecond", () => {
  let wall = 1000;
  const clock = createHlcClock({ node: nodeA, now: () => wall });
  assert.deepEqual(clock.tick(), { millis: 1000, counter: 0, node: nodeA });
  assert.deepEqual(clock.tick(), { millis: 1000, counter: 1, node: nodeA });
  wall = 1005;
  assert.deepEqual(clock.tick(), { millis: 1005, counter: 0, node: nodeA });
});

test("tick never goes backwards when the wall clock steps back", () => {
  let wall = 10_000;
  const clock = createHlcClock({ node: nodeA, now: () => wall });
  const before = clock.tick();
  wall = 2_000;
  const after = clock.tick();
  assert.ok(compareHlc(after, before) > 0);
  assert.equal(after.millis, 10_000);
});

test("counter overflow borrows the next millisecond", () => {
  const clock = createHlcClock({
    node: nodeA,
    now: () => 50,
    last: { millis: 50, counter: MAX_HLC_COUNTER, node: nodeA },
  });
  assert.deepEqual(clock.tick(), { millis: 51, counter: 0, node: nodeA });
});

test("receive orders the next local event after a remote one that is slightly ahead", () => {
  const clock = createHlcClock({ node: nodeA, now: () => 1000 });
  const remote: Hlc = { millis: 4000, counter: 7, node: nodeB };
  assert.ok(clock.receive(remote).ok);
  const next = clock.tick();
  assert.ok(compareHlc(next, remote) > 0);
});

test("receive does not follow a remote clock further ahead than the drift allowance, and reports it", () => {
  const clock = createHlcClock({ node: nodeA, now: () => 1000, maxDriftMs: 60_000 });
  const remote: Hlc = { millis: 1000 + 5 * HOUR, counter: 0, node: nodeB };
  const result = clock.receive(remote);
  assert.equal(result.ok, false);
  assert.equal(result.ok ? 0 : result.error.aheadByMs, 5 * HOUR);
  assert.equal(clock.tick().millis, 1000, "the local clock was not dragged into the future");
});

test("a restarted clock resumes after the last timestamp it issued", () => {
  const first = createHlcClock({ node: nodeA, now: () => 9000 });
  const last = first.tick();
  const restarted = createHlcClock({ node: nodeA, now: () => 100, last });
  assert.ok(compareHlc(restarted.tick(), last) > 0);
});

test("ties on time are broken by counter, then by device id", () => {
  assert.ok(
    compareHlc({ millis: 1, counter: 2, node: nodeA }, { millis: 1, counter: 1, node: nodeB }) > 0,
  );
  assert.ok(
    compareHlc({ millis: 1, counter: 1, node: nodeA }, { millis: 1, counter: 1, node: nodeB }) < 0,
  );
});

test("strings and bytes decode what they encode and refuse malformed input", () => {
  const hlc: Hlc = { millis: 2 ** 47 + 3, counter: 258, node: "0123456789abcdef" as DeviceId };
  assert.equal(hlcToString(hlc).length, 32);
  assert.deepEqual(hlcFromString(hlcToString(hlc)), { ok: true, value: hlc });
  assert.deepEqual(hlcFromBytes(hlcToBytes(hlc)), { ok: true, value: hlc });
  assert.equal(hlcFromString("zz").ok, false);
  assert.equal(hlcFromBytes(new Uint8Array(15)).ok, false);
});

const hlcArb = fc.record({
  millis: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  counter: fc.integer({ min: 0, max: MAX_HLC_COUNTER }),
  node: fc
    .uint8Array({ minLength: 8, maxLength: 8 })
    .map((b) => Buffer.from(b).toString("hex") as DeviceId),
});

test("property: the byte and string encodings sort exactly as the clock compares", () => {
  fc.assert(
    fc.property(hlcArb, hlcArb, (a, b) => {
      const byClock = Math.sign(compareHlc(a, b));
      assert.equal(Math.sign(compareBytes(hlcToBytes(a), hlcToBytes(b))), byClock);
      const sa = hlcToString(a);
      const sb = hlcToString(b);
      assert.equal(Math.sign(sa < sb ? -1 : sa > sb ? 1 : 0), byClock);
    }),
  );
});

test("property: under skewed and jumping wall clocks every device's clock stays strictly monotonic and follows what it received", () => {
  const step = fc.oneof(
    fc.record({
      kind: fc.constant("tick" as const),
      device: fc.nat(2),
      jump: fc.integer({ min: -HOUR, max: HOUR }),
    }),
    fc.record({ kind: fc.constant("send" as const), from: fc.nat(2), to: fc.nat(2) }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -6 * HOUR, max: 6 * HOUR }), { minLength: 3, maxLength: 3 }),
      fc.array(step, { maxLength: 200 }),
      (skews, steps) => {
        let wall = 1_700_000_000_000;
        const nodes = ["000000000000000a", "000000000000000b", "000000000000000c"] as DeviceId[];
        const clocks = nodes.map((node, i) =>
          createHlcClock({ node, now: () => wall + (skews[i] as number) }),
        );
        const lastIssued: (Hlc | undefined)[] = [undefined, undefined, undefined];
        for (const s of steps) {
          if (s.kind === "tick") {
            wall += s.jump;
            const clock = clocks[s.device]!;
            const next = clock.tick();
            const previous = lastIssued[s.device];
            if (previous !== undefined) assert.ok(compareHlc(next, previous) > 0, "monotonic");
            lastIssued[s.device] = next;
          } else {
            const sent = clocks[s.from]!.tick();
            lastIssued[s.from] = sent;
            const received = clocks[s.to]!.receive(sent);
            const after = clocks[s.to]!.tick();
            if (received.ok)
              assert.ok(compareHlc(after, sent) > 0, "ordered after what it received");
            const previous = lastIssued[s.to];
            if (previous !== undefined) assert.ok(compareHlc(after, previous) > 0, "monotonic");
            lastIssued[s.to] = after;
          }
        }
      },
    ),
  );
});
