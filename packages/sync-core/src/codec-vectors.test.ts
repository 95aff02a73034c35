import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import type { Event } from "./event.ts";
import { decodeEvent, encodeEvent } from "./event-codec.ts";
import type { ChainHash } from "./hash-chain.ts";
import type { DeviceId, EventId, ItemId, VaultId } from "./ids.ts";
import { decodeItemState, encodeItemState } from "./item-state-codec.ts";
import { applyToItem, createItemState, viewItem } from "./item-state.ts";

// Known answers: these bytes were written by the codecs before decoding checked canonical form as
// it read. They pin the formats: the same events must encode to them, and they must decode as before.

const a = "018f3a2b-0000-7000-8000-00000000000a" as EventId;
const b = "018f3a2b-0000-7000-8000-00000000000b" as EventId;
const set: Event = {
  id: "018f3a2b-1111-7abc-9def-0123456789ab" as EventId,
  vaultId: "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5" as VaultId,
  itemId: "018f3a2a-ffff-7000-a000-000000000001" as ItemId,
  hlc: { millis: 1_717_171_717_171, counter: 258, node: "00ff00ff00ff00ff" as DeviceId },
  checkpoint: null,
  op: {
    kind: "set",
    lifecycleSeen: [b, a],
    fields: [
      { name: "urls", value: ["https://bank.example", "日本"], basedOn: [a] },
      { name: "pin", value: -1234567, basedOn: [] },
      { name: "otp", value: [true, null, 2 ** 40, [false]], basedOn: [b, a] },
    ],
  },
};
const deleted: Event = {
  ...set,
  id: "018f3a2b-2222-7abc-8def-0123456789ab" as EventId,
  checkpoint: {
    position: 70000,
    hash: Uint8Array.from({ length: 32 }, (_, i) => i * 7) as ChainHash,
  },
  op: {
    kind: "delete",
    basedOn: [a],
    seenFields: [
      { name: "urls", heads: [a] },
      { name: "pin", heads: [] },
    ],
  },
};

const setBytes =
  "8701506f1c2d3e4b5a4c6d8e7f8091a2b3c4d550018f3a2b11117abc9def0123456789ab50018f3a2affff70" +
  "00a00000000000000150018fcf690433010200ff00ff00ff00fff683008250018f3a2b000070008000000000" +
  "00000a50018f3a2b00007000800000000000000b8383636f747084f5f61b000001000000000081f48250018f" +
  "3a2b00007000800000000000000a50018f3a2b00007000800000000000000b836370696e3a0012d686808364" +
  "75726c73827468747470733a2f2f62616e6b2e6578616d706c6566e697a5e69cac8150018f3a2b0000700080" +
  "0000000000000a";
const deletedBytes =
  "8701506f1c2d3e4b5a4c6d8e7f8091a2b3c4d550018f3a2b22227abc8def0123456789ab50018f3a2affff70" +
  "00a00000000000000150018fcf690433010200ff00ff00ff00ff821a00011170582000070e151c232a31383f" +
  "464d545b626970777e858c939aa1a8afb6bdc4cbd2d983018150018f3a2b00007000800000000000000a8282" +
  "6370696e80826475726c738150018f3a2b00007000800000000000000a";
const stateBytes =
  "850150018f3a2affff7000a000000000000001828350018f3a2b11117abc9def0123456789ab50018fcf6904" +
  "33010200ff00ff00ff00ff008350018f3a2b22227abc8def0123456789ab50018fcf690433010200ff00ff00" +
  "ff00ff018382636f7470818450018f3a2b11117abc9def0123456789ab84f5f61b000001000000000081f482" +
  "50018f3a2b00007000800000000000000a50018f3a2b00007000800000000000000b8250018f3a2b00007000" +
  "800000000000000a50018f3a2b00007000800000000000000b826370696e818450018f3a2b11117abc9def01" +
  "23456789ab3a0012d686808250018f3a2b00007000800000000000000a50018f3a2b00007000800000000000" +
  "000b826475726c73818450018f3a2b11117abc9def0123456789ab827468747470733a2f2f62616e6b2e6578" +
  "616d706c6566e697a5e69cac8150018f3a2b00007000800000000000000a8250018f3a2b0000700080000000" +
  "0000000a50018f3a2b00007000800000000000000b818350018f3a2b22227abc8def0123456789ab8150018f" +
  "3a2b00007000800000000000000a82826370696e80826475726c738150018f3a2b0000700080000000000000" +
  "0a";

test("events encode to the known bytes and decode from them", () => {
  for (const [event, hex] of [
    [set, setBytes],
    [deleted, deletedBytes],
  ] as const) {
    assert.equal(bytesToHex(encodeEvent(event)), hex);
    const decoded = decodeEvent(hexToBytes(hex));
    assert.ok(decoded.ok);
    assert.equal(bytesToHex(encodeEvent(decoded.value)), hex);
    assert.equal(decoded.value.id, event.id);
  }
});

test("an item state encodes to the known bytes and decodes from them, trusted or not", () => {
  const state = createItemState(set.itemId);
  applyToItem(state, set);
  applyToItem(state, deleted);
  assert.equal(bytesToHex(encodeItemState(state)), stateBytes);
  for (const trusted of [false, true]) {
    const decoded = decodeItemState(hexToBytes(stateBytes), { trusted });
    assert.ok(decoded.ok);
    assert.deepStrictEqual(decoded.value, state);
    assert.deepStrictEqual(viewItem(decoded.value), viewItem(state));
  }
});
