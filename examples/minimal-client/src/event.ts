/** Events in their canonical bytes (PROTOCOL.md section 5.3) and sealed as payloads (6.3). */

import { concat, fromHex, uuidBytes } from "./bytes.ts";
import { type Cbor, encodeCbor } from "./cbor.ts";
import { associatedData, pad, seal } from "./seal.ts";

export type Value = null | boolean | number | string | readonly Value[];

export interface Event {
  readonly id: string;
  readonly vaultId: string;
  readonly itemId: string;
  readonly hlc: { readonly millis: number; readonly counter: number; readonly node: string };
  readonly checkpoint: { readonly position: number; readonly hash: string } | null;
  readonly op:
    | {
        readonly kind: "set";
        readonly lifecycleSeen: readonly string[];
        readonly fields: readonly {
          readonly name: string;
          readonly value: Value;
          readonly basedOn: readonly string[];
        }[];
      }
    | {
        readonly kind: "delete" | "restore" | "purge";
        readonly basedOn: readonly string[];
        readonly seenFields: readonly {
          readonly name: string;
          readonly heads: readonly string[];
        }[];
      };
}

const OP_CODE = { set: 0, delete: 1, restore: 2, purge: 3 } as const;

/** Ids sorted by their bytes (the order of their lowercase text), without duplicates. */
const idList = (ids: readonly string[]): Uint8Array[] => [...new Set(ids)].sort().map(uuidBytes);

/** Names in the order of their UTF-8 bytes (Unicode code points). */
const byName = <T extends { readonly name: string }>(entries: readonly T[]): T[] =>
  [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));

const hlcBytes = (hlc: Event["hlc"]): Uint8Array => {
  const out = new DataView(new ArrayBuffer(8));
  out.setUint16(0, Math.floor(hlc.millis / 2 ** 32));
  out.setUint32(2, hlc.millis >>> 0);
  out.setUint16(6, hlc.counter);
  return concat(new Uint8Array(out.buffer), fromHex(hlc.node));
};

export const encodeEvent = (event: Event): Uint8Array => {
  const { op } = event;
  const encodedOp: Cbor =
    op.kind === "set"
      ? [
          OP_CODE.set,
          idList(op.lifecycleSeen),
          byName(op.fields).map((f) => [f.name, f.value, idList(f.basedOn)]),
        ]
      : [
          OP_CODE[op.kind],
          idList(op.basedOn),
          byName(op.seenFields).map((f) => [f.name, idList(f.heads)]),
        ];
  return encodeCbor([
    1,
    uuidBytes(event.vaultId),
    uuidBytes(event.id),
    uuidBytes(event.itemId),
    hlcBytes(event.hlc),
    event.checkpoint === null ? null : [event.checkpoint.position, fromHex(event.checkpoint.hash)],
    encodedOp,
  ]);
};

export const eventAd = (vaultId: string, eventId: string): Uint8Array =>
  associatedData("event", vaultId, eventId, 1);

export const sealEvent = (eventKey: Uint8Array, event: Event, nonce: Uint8Array): Uint8Array =>
  seal(eventKey, pad(encodeEvent(event)), eventAd(event.vaultId, event.id), nonce);
