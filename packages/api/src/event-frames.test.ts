import fc from "fast-check";

// Plain objects, as the decoders make (fast-check's records have no prototype by default).
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(model, { noNullPrototype: true });
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodePullPageFrames,
  decodePushAnswerFrames,
  decodePushFrames,
  decodeSnapshotFrames,
  encodePullPageFrames,
  encodePushAnswerFrames,
  encodePushFrames,
  encodeSnapshotFrames,
  type FramePullPage,
} from "./event-frames.ts";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
const position = fc.oneof(fc.nat(300), fc.maxSafeNat());
const checkpoint = record({ position, hash });
const payload = fc.uint8Array({ maxLength: 400 });

const page: fc.Arbitrary<FramePullPage> = record({
  anchor: checkpoint,
  head: checkpoint,
  events: fc.array(record({ id: uuid, payload, position, chainHash: hash }), { maxLength: 8 }),
});

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`event-frames property seed: ${seed} (FC_SEED=${seed} replays it)`);
const check = (property: fc.IProperty<unknown>) => fc.assert(property, { seed, numRuns: 200 });

describe("binary event frames", () => {
  it("round-trip pushes, push answers and pull pages", () => {
    check(
      fc.property(fc.array(record({ id: uuid, payload }), { maxLength: 8 }), (events) => {
        assert.deepEqual(decodePushFrames(encodePushFrames(events)), { ok: true, value: events });
      }),
    );
    check(
      fc.property(
        checkpoint,
        fc.array(record({ id: uuid, position, chainHash: hash, duplicate: fc.boolean() }), {
          maxLength: 8,
        }),
        (head, events) => {
          const answer = { head, events };
          const decoded = decodePushAnswerFrames(encodePushAnswerFrames(answer));
          assert.deepEqual(decoded, { ok: true, value: answer });
        },
      ),
    );
    check(
      fc.property(record({ position, chainHash: hash, payload }), (snapshot) => {
        const decoded = decodeSnapshotFrames(encodeSnapshotFrames(snapshot));
        assert.deepEqual(decoded, { ok: true, value: snapshot });
      }),
    );
    check(
      fc.property(page, (value) => {
        assert.deepEqual(decodePullPageFrames(encodePullPageFrames(value)), { ok: true, value });
      }),
    );
  });

  it("lays a push out as documented in docs/PROTOCOL.md (known answer)", () => {
    const encoded = encodePushFrames([
      { id: "0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b", payload: new Uint8Array([0xde, 0xad]) },
    ]);
    assert.equal(hex(encoded), "0101010190a3b4c5d67e8f9a0b1c2d3e4f5a6b02dead");
    const answer = encodePushAnswerFrames({
      head: { position: 300, hash: new Uint8Array(32).fill(0xaa) },
      events: [
        {
          id: "0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
          position: 300,
          chainHash: new Uint8Array(32).fill(0xaa),
          duplicate: false,
        },
      ],
    });
    const h = "aa".repeat(32);
    assert.equal(hex(answer), `0102ac02${h}010190a3b4c5d67e8f9a0b1c2d3e4f5a6bac02${h}00`);
  });

  it("refuses every truncation and every extension of a body, with a reason", () => {
    check(
      fc.property(page, fc.nat(), (value, cut) => {
        const encoded = encodePullPageFrames(value);
        const truncated = decodePullPageFrames(encoded.subarray(0, cut % encoded.length));
        assert.equal(truncated.ok, false);
        const extended = decodePullPageFrames(new Uint8Array([...encoded, 0]));
        assert.deepEqual(extended, {
          ok: false,
          error: { kind: "malformed-frames", reason: "bytes follow the body" },
        });
      }),
    );
  });

  it("refuses another format version, another kind, long-form numbers and bad flags", () => {
    const push = encodePushFrames([]);
    const reasonOf = (result: { ok: boolean; error?: { reason: string } }) =>
      result.ok ? "accepted" : (result.error?.reason ?? "");
    assert.match(reasonOf(decodePushFrames(bytesOf("0201" + "00"))), /format version 2/);
    assert.match(reasonOf(decodePullPageFrames(push)), /expected a body of kind 3, got 1/);
    assert.match(reasonOf(decodePushFrames(bytesOf("0101" + "8000"))), /shortest form/);
    assert.match(reasonOf(decodePushFrames(bytesOf("0101" + "05"))), /larger than the body/);
    const answer = encodePushAnswerFrames({
      head: { position: 1, hash: new Uint8Array(32) },
      events: [
        {
          id: "0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
          position: 1,
          chainHash: new Uint8Array(32),
          duplicate: true,
        },
      ],
    });
    answer[answer.length - 1] = 2;
    assert.match(reasonOf(decodePushAnswerFrames(answer)), /neither 0 nor 1/);
    const badId = encodePushFrames([
      { id: "0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b", payload: new Uint8Array(1) },
    ]);
    badId[3 + 8] = 0; // the variant bits of the id
    assert.match(reasonOf(decodePushFrames(badId)), /not a UUID/);
  });
});
