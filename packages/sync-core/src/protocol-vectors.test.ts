/**
 * The sync-core vectors of the protocol specification (docs/protocol/vectors/): envelopes and the
 * chain, events' canonical bytes, the merge and item states' canonical bytes, checked against this
 * implementation, so the document cannot drift from the code.
 */

import { bytesToHex, hexToBytes } from "@keypears/base";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { envelopeBytes } from "./envelope.ts";
import { normalizeOp } from "./event.ts";
import { decodeEvent, encodeEvent } from "./event-codec.ts";
import {
  type ChainedEvent,
  type ChainHash,
  extendChain,
  GENESIS,
  hashEvent,
  verifySegment,
} from "./hash-chain.ts";
import type { EventId, ItemId } from "./ids.ts";
import { applyToItem, createItemState, viewItem } from "./item-state.ts";
import { decodeItemState, encodeItemState } from "./item-state-codec.ts";
import {
  checkpointToJson,
  eventFromJson,
  type EventJson,
  eventToJson,
  viewToJson,
} from "./testing/event-json.ts";

const load = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../docs/protocol/vectors/${name}`, import.meta.url), "utf8"),
  ) as T;

describe("envelope-chain.json", () => {
  const vector = load<{
    genesis: string;
    genesisLabel: string;
    events: {
      id: string;
      payload: string;
      envelopeBytes: string;
      eventHash: string;
      position: number;
      chainHash: string;
    }[];
    head: { position: number; hash: string };
  }>("envelope-chain.json");

  it("gives the genesis hash, each envelope's bytes and hash, and each chain hash", () => {
    assert.equal(bytesToHex(GENESIS.hash), vector.genesis);
    let checkpoint = GENESIS;
    for (const event of vector.events) {
      const bytes = envelopeBytes({ id: event.id as EventId, payload: hexToBytes(event.payload) });
      assert.equal(bytesToHex(bytes), event.envelopeBytes);
      assert.equal(bytesToHex(hashEvent(bytes)), event.eventHash);
      checkpoint = extendChain(checkpoint, [bytes]);
      assert.equal(checkpoint.position, event.position);
      assert.equal(bytesToHex(checkpoint.hash), event.chainHash);
    }
    assert.deepEqual(checkpointToJson(checkpoint), vector.head);
  });

  it("verifies as a served segment, and a flipped payload byte does not", () => {
    const served = (flip: boolean): ChainedEvent[] =>
      vector.events.map((event, index) => {
        const payload = hexToBytes(event.payload);
        if (flip && index === 1) payload[0] = (payload[0] as number) ^ 1;
        return {
          position: event.position,
          bytes: envelopeBytes({ id: event.id as EventId, payload }),
          chainHash: hexToBytes(event.chainHash) as ChainHash,
        };
      });
    const head = {
      position: vector.head.position,
      hash: hexToBytes(vector.head.hash) as ChainHash,
    };
    const segment = { trusted: GENESIS, anchor: GENESIS, head };
    assert.ok(verifySegment({ ...segment, events: served(false) }).ok);
    assert.deepEqual(verifySegment({ ...segment, events: served(true) }), {
      ok: false,
      error: { kind: "hash-mismatch", position: 2 },
    });
  });
});

describe("sealed-event.json (the events' canonical bytes)", () => {
  const { vectors } = load<{ vectors: { event: EventJson; eventBytes: string }[] }>(
    "sealed-event.json",
  );
  for (const vector of vectors) {
    it(`encodes the ${vector.event.op.kind} event to exactly its bytes, and back`, () => {
      assert.equal(bytesToHex(encodeEvent(eventFromJson(vector.event))), vector.eventBytes);
      const decoded = decodeEvent(hexToBytes(vector.eventBytes));
      assert.ok(decoded.ok);
      assert.equal(bytesToHex(encodeEvent(decoded.value)), vector.eventBytes);
      const event = eventFromJson(vector.event);
      // Decoding gives the event in canonical form: fields in code point order of their names.
      assert.deepEqual(
        eventToJson(decoded.value),
        eventToJson({ ...event, op: normalizeOp(event.op) }),
      );
    });
  }
});

interface MergeCase {
  readonly name: string;
  readonly itemId: string;
  readonly events: EventJson[];
  readonly view: unknown;
}

const viewOf = (itemId: string, events: readonly EventJson[]) => {
  const state = createItemState(itemId as ItemId);
  for (const event of events) applyToItem(state, eventFromJson(event));
  return { state, view: viewToJson(viewItem(state)) };
};

describe("merge.json", () => {
  const { cases } = load<{ cases: MergeCase[] }>("merge.json");
  it("has cases", () => assert.ok(cases.length >= 5));
  for (const c of cases) {
    it(`${c.name}: every order and a second delivery give the stated view`, () => {
      assert.deepEqual(viewOf(c.itemId, c.events).view, c.view);
      assert.deepEqual(viewOf(c.itemId, [...c.events].reverse()).view, c.view);
      const rotated = [...c.events.slice(1), ...c.events, ...c.events.slice(0, 1)];
      assert.deepEqual(viewOf(c.itemId, rotated).view, c.view);
    });
  }
});

describe("item-state.json", () => {
  const { vectors } = load<{
    vectors: { name: string; itemId: string; events: EventJson[]; stateBytes: string }[];
  }>("item-state.json");
  for (const v of vectors) {
    it(`${v.name}: the merge state encodes to exactly its bytes, whatever the order applied`, () => {
      assert.equal(bytesToHex(encodeItemState(viewOf(v.itemId, v.events).state)), v.stateBytes);
      const reversed = viewOf(v.itemId, [...v.events].reverse()).state;
      assert.equal(bytesToHex(encodeItemState(reversed)), v.stateBytes);
      const decoded = decodeItemState(hexToBytes(v.stateBytes));
      assert.ok(decoded.ok);
      assert.equal(bytesToHex(encodeItemState(decoded.value)), v.stateBytes);
    });
  }
});
