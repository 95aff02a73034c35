/**
 * Builds `docs/protocol/vectors/sealed-records.json`: one known answer for every sealed record type
 * (event, item state and view, history row, wrapped vault key, sealed Secret Key, snapshot), from
 * fixed keys, nonces and plaintexts. The associated data of each is written out here part by part,
 * as the protocol states it, not taken from the code, so a vector cannot silently follow a change to
 * the code's bindings: the tests seal with the code and compare with these bytes.
 *
 * Regenerate only for a deliberate format change (which needs a new schema number and a migration):
 * `node --import tsx packages/vault/src/testing/sealed-record-vectors.ts > docs/protocol/vectors/sealed-records.json`
 */

import { bytesToHex, hexToBytes } from "@keypears/base";
import {
  associatedData,
  type AssociatedDataPart,
  blindIndex,
  type DeviceKey,
  deriveVaultKeys,
  open,
  SECRET_KEY_LENGTH,
  type SecretKey,
  sealSecretKey,
  type VaultKey,
  type WrapKey,
  wrapVaultKey,
} from "@keypears/crypto";
import {
  applyToItem,
  type ChainHash,
  type Checkpoint,
  createItemState,
  type DeviceId,
  encodeItemState,
  type Event,
  type EventId,
  encodeEvent,
  hlcToBytes,
  type ItemId,
  type RandomBytes,
  type VaultId,
  viewItem,
} from "@keypears/sync-core";
import { encode } from "cborg";
import { pathToFileURL } from "node:url";
import { deflateRawSync } from "node:zlib";
import { encodeItem, itemFromView } from "../item.ts";
import { STATUS_FIELD } from "../item-store.ts";
import {
  EVENT_SCHEMA,
  sealEvent,
  sealHistoryRecord,
  sealItemRecord,
  STORE_SCHEMA,
} from "../sealing.ts";
import { nodeCompression } from "../node/node-compression.ts";
import { sealSnapshot } from "../snapshot.ts";

/** One associated-data part as the vector file writes it. */
export type VectorPart =
  { readonly string: string } | { readonly number: number } | { readonly bytes: string };

export interface SealedRecordVector {
  readonly name: string;
  readonly type:
    "event" | "item-state" | "item-view" | "history" | "vault-key" | "secret-key" | "snapshot";
  /** Which of the file's `keys` seals it. */
  readonly key: "eventKey" | "storeKey" | "wrapKey" | "deviceKey";
  readonly nonce: string;
  readonly associatedData: {
    readonly purpose: string;
    readonly parts: readonly VectorPart[];
    readonly hex: string;
  };
  /** What the record is, in the terms its type uses (ids, the event, the field and its value). */
  readonly record: Readonly<Record<string, unknown>>;
  readonly plaintext: string;
  readonly sealed: string;
}

export interface SealedRecordVectors {
  readonly description: readonly string[];
  readonly keys: Readonly<
    Record<"vaultKey" | "eventKey" | "storeKey" | "indexKey" | "wrapKey" | "deviceKey", string>
  >;
  readonly vectors: readonly SealedRecordVector[];
}

/** An event as the vector file writes it: ids as text, bytes as hex. */
export interface EventJson {
  readonly id: string;
  readonly vaultId: string;
  readonly itemId: string;
  readonly hlc: { readonly millis: number; readonly counter: number; readonly node: string };
  readonly checkpoint: { readonly position: number; readonly hash: string } | null;
  readonly op: Event["op"];
}

export const eventToJson = (event: Event): EventJson => ({
  id: event.id,
  vaultId: event.vaultId,
  itemId: event.itemId,
  hlc: { millis: event.hlc.millis, counter: event.hlc.counter, node: event.hlc.node },
  checkpoint:
    event.checkpoint === null
      ? null
      : { position: event.checkpoint.position, hash: bytesToHex(event.checkpoint.hash) },
  op: event.op,
});

export const eventFromJson = (json: EventJson): Event => ({
  id: json.id as EventId,
  vaultId: json.vaultId as VaultId,
  itemId: json.itemId as ItemId,
  hlc: { millis: json.hlc.millis, counter: json.hlc.counter, node: json.hlc.node as DeviceId },
  checkpoint:
    json.checkpoint === null
      ? null
      : { position: json.checkpoint.position, hash: hexToBytes(json.checkpoint.hash) as ChainHash },
  op: json.op,
});

export const partsFromVector = (parts: readonly VectorPart[]): AssociatedDataPart[] =>
  parts.map((part) =>
    "string" in part ? part.string : "number" in part ? part.number : hexToBytes(part.bytes),
  );

/** A random source that hands out exactly one nonce, so a seal is reproducible; anything else is a bug. */
export const fixedNonce = (nonceHex: string): RandomBytes => {
  let used = false;
  return (length) => {
    const nonce = hexToBytes(nonceHex);
    if (used || length !== nonce.length)
      throw new Error(`fixed nonce asked for ${length} bytes${used ? " a second time" : ""}`);
    used = true;
    return nonce;
  };
};

/** ISO/IEC 7816-4 padding to a multiple of 32 bytes, as event payloads are padded. */
const padTo32 = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(Math.ceil((bytes.length + 1) / 32) * 32);
  out.set(bytes);
  out[bytes.length] = 0x80;
  return out;
};

const counting = (start: number, length: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

const ADDRESS = "alice@example.com";
const VAULT_ID = "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5" as VaultId;
const ITEM_ID = "018f3a2a-ffff-7000-a000-000000000001" as ItemId;
const SET_ID = "018f3a2b-1111-7abc-9def-0123456789ab" as EventId;
const DELETE_ID = "018f3a2b-2222-7abc-8def-0123456789ab" as EventId;
const NODE = "00ff00ff00ff00ff" as DeviceId;

export const buildSealedRecordVectors = (): SealedRecordVectors => {
  const vaultKey = counting(0x00, 32) as VaultKey;
  const wrapKey = counting(0x20, 32) as WrapKey;
  const deviceKey = counting(0x40, 32) as DeviceKey;
  const secretKey = counting(0xa0, SECRET_KEY_LENGTH) as SecretKey;
  const keys = deriveVaultKeys(vaultKey);

  const setEvent: Event = {
    id: SET_ID,
    vaultId: VAULT_ID,
    itemId: ITEM_ID,
    hlc: { millis: 1_717_171_717_171, counter: 1, node: NODE },
    checkpoint: { position: 7, hash: counting(0x70, 32) as ChainHash },
    op: {
      kind: "set",
      fields: [
        { name: "password", value: "correct horse battery staple", basedOn: [] },
        { name: "title", value: "Bank", basedOn: [] },
      ],
      lifecycleSeen: [],
    },
  };
  const deleteEvent: Event = {
    id: DELETE_ID,
    vaultId: VAULT_ID,
    itemId: ITEM_ID,
    hlc: { millis: 1_717_171_717_999, counter: 0, node: NODE },
    checkpoint: null,
    op: {
      kind: "delete",
      basedOn: [],
      seenFields: [
        { name: "password", heads: [SET_ID] },
        { name: "title", heads: [SET_ID] },
      ],
    },
  };
  const state = createItemState(ITEM_ID);
  applyToItem(state, setEvent);
  applyToItem(state, deleteEvent);
  const stateBytes = encodeItemState(state);
  const viewBytes = encodeItem(itemFromView(viewItem(state)));

  const keyBytes = { ...keys, wrapKey, deviceKey };
  let index = 0;
  const vectors: SealedRecordVector[] = [];
  /**
   * Seals one record with the code (`seal` gets the nonce), writes down its documented AD, and
   * checks that the box opens under that AD to the documented plaintext.
   */
  const add = (
    fields: Omit<SealedRecordVector, "nonce" | "associatedData" | "sealed" | "plaintext"> & {
      readonly purpose: string;
      readonly parts: readonly VectorPart[];
      readonly plaintext: Uint8Array;
      readonly seal: (random: RandomBytes) => Uint8Array;
    },
  ): void => {
    const nonce = bytesToHex(counting(0x10 * ++index, 24));
    const { purpose, parts, seal, plaintext, ...rest } = fields;
    const ad = associatedData(purpose, ...partsFromVector(parts));
    const sealed = seal(fixedNonce(nonce));
    const opened = open(keyBytes[fields.key], sealed, ad);
    if (!opened.ok || bytesToHex(opened.value) !== bytesToHex(plaintext))
      throw new Error(
        `${fields.name}: the code's box does not open to the plaintext under the documented AD`,
      );
    vectors.push({
      ...rest,
      nonce,
      associatedData: {
        purpose,
        parts,
        hex: bytesToHex(ad),
      },
      plaintext: bytesToHex(plaintext),
      sealed: bytesToHex(sealed),
    });
  };

  for (const event of [setEvent, deleteEvent]) {
    add({
      name: `event-${event.op.kind}`,
      type: "event",
      key: "eventKey",
      purpose: "event",
      parts: [{ string: VAULT_ID }, { string: event.id }, { number: EVENT_SCHEMA }],
      record: { event: eventToJson(event) },
      plaintext: padTo32(encodeEvent(event)),
      seal: (random) => sealEvent(keys, event, random),
    });
  }
  for (const [part, bytes] of [
    ["state", stateBytes],
    ["view", viewBytes],
  ] as const) {
    add({
      name: `item-${part}`,
      type: `item-${part}`,
      key: "storeKey",
      purpose: `item-${part}`,
      parts: [{ string: VAULT_ID }, { string: ITEM_ID }, { number: STORE_SCHEMA }],
      record: { vaultId: VAULT_ID, itemId: ITEM_ID, events: [SET_ID, DELETE_ID] },
      plaintext: bytes,
      seal: (random) => sealItemRecord(keys, VAULT_ID, ITEM_ID, part, bytes, random),
    });
  }
  const historyRows = [
    {
      eventId: SET_ID,
      field: "password",
      value: "correct horse battery staple",
      hlc: setEvent.hlc,
      basedOn: [],
    },
    { eventId: DELETE_ID, field: STATUS_FIELD, value: "delete", hlc: deleteEvent.hlc, basedOn: [] },
  ];
  for (const row of historyRows) {
    const fieldKey = blindIndex(keys.indexKey, `field:${row.field}`);
    const bytes = encode([row.field, row.value, hlcToBytes(row.hlc), row.basedOn]);
    add({
      name: `history-${row.field === STATUS_FIELD ? "status" : row.field}`,
      type: "history",
      key: "storeKey",
      purpose: "history",
      parts: [
        { string: VAULT_ID },
        { string: ITEM_ID },
        { string: row.eventId },
        { string: fieldKey },
        { number: STORE_SCHEMA },
      ],
      record: {
        vaultId: VAULT_ID,
        itemId: ITEM_ID,
        eventId: row.eventId,
        field: row.field,
        fieldKey,
        value: row.value,
        hlc: bytesToHex(hlcToBytes(row.hlc)),
        basedOn: row.basedOn,
      },
      plaintext: bytes,
      seal: (random) =>
        sealHistoryRecord(
          keys,
          VAULT_ID,
          { itemId: ITEM_ID, eventId: row.eventId, fieldKey },
          bytes,
          random,
        ),
    });
  }
  add({
    name: "vault-key",
    type: "vault-key",
    key: "wrapKey",
    purpose: "vault-key",
    parts: [{ string: ADDRESS }, { string: VAULT_ID }],
    record: { address: ADDRESS, vaultId: VAULT_ID },
    plaintext: vaultKey,
    seal: (random) =>
      wrapVaultKey(wrapKey, vaultKey, { address: ADDRESS, vaultId: VAULT_ID }, random),
  });
  add({
    name: "secret-key",
    type: "secret-key",
    key: "deviceKey",
    purpose: "secret-key",
    parts: [{ string: ADDRESS }],
    record: { address: ADDRESS },
    plaintext: secretKey,
    seal: (random) => sealSecretKey(deviceKey, secretKey, ADDRESS, random),
  });
  const checkpoint: Checkpoint = { position: 8, hash: counting(0x80, 32) as ChainHash };
  const snapshotPlain = deflateRawSync(encode([1, [stateBytes]]));
  add({
    name: "snapshot",
    type: "snapshot",
    key: "eventKey",
    purpose: "snapshot",
    parts: [
      { string: VAULT_ID },
      { number: checkpoint.position },
      { string: bytesToHex(checkpoint.hash) },
    ],
    record: {
      vaultId: VAULT_ID,
      checkpoint: { position: checkpoint.position, hash: bytesToHex(checkpoint.hash) },
      format: 1,
      itemStates: [bytesToHex(stateBytes)],
    },
    plaintext: snapshotPlain,
    seal: (random) =>
      sealSnapshot(keys, VAULT_ID, checkpoint, [stateBytes], random, nodeCompression),
  });

  return {
    description: [
      "Known answers for every sealed record type of KeyPears format v1.",
      "A box is version (0x01) || nonce (24 bytes) || XChaCha20-Poly1305(key, nonce, associated data, plaintext) with its 16-byte tag.",
      "Associated data: UTF-8 of 'keypears/v1/' + purpose, a zero byte, then each part: bytes (0x01) or a UTF-8 string (0x02) with a 4-byte big-endian length, or a number (0x03) as 8 bytes big-endian.",
      "eventKey, storeKey and indexKey derive from vaultKey; wrapKey and deviceKey are given directly (their derivation has its own vectors).",
      "event plaintext: the canonical event encoding, padded with 0x80 then zeros to a multiple of 32 bytes. item-state: the canonical item-state encoding of the merge of record.events. item-view: the view's JSON. history: CBOR [field, value, hlc (16 bytes), basedOn]; fieldKey is HMAC-SHA256(indexKey, 'field:' + field) cut to 16 bytes, in hex. snapshot: raw DEFLATE of CBOR [format, [item state bytes...]].",
    ],
    keys: {
      vaultKey: bytesToHex(vaultKey),
      eventKey: bytesToHex(keys.eventKey),
      storeKey: bytesToHex(keys.storeKey),
      indexKey: bytesToHex(keys.indexKey),
      wrapKey: bytesToHex(wrapKey),
      deviceKey: bytesToHex(deviceKey),
    },
    vectors,
  };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stdout.write(`${JSON.stringify(buildSealedRecordVectors(), null, 2)}\n`);
}
