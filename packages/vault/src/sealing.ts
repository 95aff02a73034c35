/**
 * How each kind of record is sealed at rest and on the wire. Every box's associated data binds it
 * to its vault, its row's ids and the schema version, so a ciphertext moved to another row, item
 * or vault fails to open. Event plaintexts are padded to a multiple of 32 bytes, so the server
 * learns less from sizes (which field changed, how long a password is).
 */

import { err, ok, type Result } from "@keypears/base";
import { type AssociatedData, associatedData, open, seal, type VaultKeys } from "@keypears/crypto";
import {
  type Batch,
  type Checkpoint,
  decodeBatch,
  decodeEvent,
  decodeEventBody,
  encodeBatch,
  encodeEvent,
  encodeEventBody,
  type Event,
  type EventEnvelope,
  type ItemId,
  type RandomBytes,
  type VaultId,
} from "@keypears/sync-core";

/** The event schema of version-1 payloads (a bare sealed box); signed payloads use `SIGNED_EVENT_SCHEMA`. */
export const EVENT_SCHEMA = 1;
/** The event schema in the associated data of a box inside a signed payload (docs/PROTOCOL.md 16.2). */
export const SIGNED_EVENT_SCHEMA = 2;
/**
 * The schema in the associated data of the boxes of protocol version 3 (docs/PROTOCOL.md 18): an
 * item event's box inside a batch-signed payload (event format 2), and a batch event's box.
 */
export const BATCH_SIGNED_SCHEMA = 3;
export const STORE_SCHEMA = 1;
const PAD_BLOCK = 32;

export type OpenError =
  /** The box does not open under this vault's key in this place: tampered, moved, or corrupt. */
  | { readonly kind: "tampered"; readonly what: string; readonly id: string }
  /** It opened, but what is inside is not a valid event. */
  | { readonly kind: "invalid-event"; readonly id: string; readonly reason: string };

/** ISO/IEC 7816-4 padding: a 0x80 byte, then zeros up to the block size. */
const pad = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(Math.ceil((bytes.length + 1) / PAD_BLOCK) * PAD_BLOCK);
  out.set(bytes);
  out[bytes.length] = 0x80;
  return out;
};

const unpad = (bytes: Uint8Array): Uint8Array | undefined => {
  let end = bytes.length - 1;
  while (end >= 0 && bytes[end] === 0) end--;
  return end >= 0 && bytes[end] === 0x80 ? bytes.subarray(0, end) : undefined;
};

/** Opens a padded box and strips its padding; `undefined` when either fails. */
const openPadded = (
  key: Uint8Array,
  box: Uint8Array,
  ad: AssociatedData,
): Uint8Array | undefined => {
  const opened = open(key, box, ad);
  return opened.ok ? unpad(opened.value) : undefined;
};

const eventAd = (vaultId: VaultId, eventId: string, schema = EVENT_SCHEMA) =>
  associatedData("event", vaultId, eventId, schema);

/** The box of an item event inside a signed payload: as a version-1 payload, with schema 2 in the AD. */
export const sealEventBox = (keys: VaultKeys, event: Event, random: RandomBytes): Uint8Array =>
  seal(
    keys.eventKey,
    pad(encodeEvent(event)),
    eventAd(event.vaultId, event.id, SIGNED_EVENT_SCHEMA),
    random,
  );

/** The box of a roster event (docs/PROTOCOL.md 16.4). */
export const sealRosterBox = (
  keys: VaultKeys,
  vaultId: VaultId,
  eventId: string,
  bytes: Uint8Array,
  random: RandomBytes,
): Uint8Array =>
  seal(
    keys.eventKey,
    pad(bytes),
    associatedData("roster", vaultId, eventId, SIGNED_EVENT_SCHEMA),
    random,
  );

/** Opens a roster event's box to its (unpadded) bytes, or `undefined`. */
export const openRosterBox = (
  keys: VaultKeys,
  vaultId: VaultId,
  eventId: string,
  box: Uint8Array,
): Uint8Array | undefined =>
  openPadded(keys.eventKey, box, associatedData("roster", vaultId, eventId, SIGNED_EVENT_SCHEMA));

/** The box of an item event inside a batch-signed payload: event format 2, schema 3 in the AD. */
export const sealEventBodyBox = (keys: VaultKeys, event: Event, random: RandomBytes): Uint8Array =>
  seal(
    keys.eventKey,
    pad(encodeEventBody(event)),
    eventAd(event.vaultId, event.id, BATCH_SIGNED_SCHEMA),
    random,
  );

/**
 * Opens the box of a batch-signed item event: the event is completed with the envelope's id, this
 * vault, and the checkpoint of the batch that covers it.
 */
export const openEventBodyBox = (
  keys: VaultKeys,
  vaultId: VaultId,
  envelope: EventEnvelope,
  checkpoint: Checkpoint | null,
): Result<Event, OpenError> => {
  const plain = openPadded(
    keys.eventKey,
    envelope.payload,
    eventAd(vaultId, envelope.id, BATCH_SIGNED_SCHEMA),
  );
  if (plain === undefined) return err({ kind: "tampered", what: "event", id: envelope.id });
  const decoded = decodeEventBody(plain, {
    id: envelope.id as Event["id"],
    vaultId,
    checkpoint,
  });
  return decoded.ok
    ? decoded
    : err({ kind: "invalid-event", id: envelope.id, reason: decoded.error.reason });
};

const batchAd = (vaultId: VaultId, eventId: string) =>
  associatedData("batch", vaultId, eventId, BATCH_SIGNED_SCHEMA);

/** The box of a batch event (docs/PROTOCOL.md 18.1); not padded: its size says only its count. */
export const sealBatchBox = (
  keys: VaultKeys,
  vaultId: VaultId,
  eventId: string,
  batch: Batch,
  random: RandomBytes,
): Uint8Array => seal(keys.eventKey, encodeBatch(batch), batchAd(vaultId, eventId), random);

/** Opens a batch event's box and decodes the batch. */
export const openBatchBox = (
  keys: VaultKeys,
  vaultId: VaultId,
  eventId: string,
  box: Uint8Array,
): Result<Batch, OpenError> => {
  const opened = open(keys.eventKey, box, batchAd(vaultId, eventId));
  if (!opened.ok) return err({ kind: "tampered", what: "batch", id: eventId });
  const decoded = decodeBatch(opened.value);
  return decoded.ok
    ? decoded
    : err({ kind: "invalid-event", id: eventId, reason: decoded.error.reason });
};

/** The wire payload of an event: what the server stores and what this device keeps in its log. */
export const sealEvent = (keys: VaultKeys, event: Event, random: RandomBytes): Uint8Array =>
  seal(keys.eventKey, pad(encodeEvent(event)), eventAd(event.vaultId, event.id), random);

/** Opens a payload and checks that the event inside is the one the envelope names, of this vault. */
export const openEvent = (
  keys: VaultKeys,
  vaultId: VaultId,
  envelope: EventEnvelope,
  schema = EVENT_SCHEMA,
): Result<Event, OpenError> => {
  const plain = openPadded(keys.eventKey, envelope.payload, eventAd(vaultId, envelope.id, schema));
  if (plain === undefined) return err({ kind: "tampered", what: "event", id: envelope.id });
  const decoded = decodeEvent(plain);
  if (!decoded.ok)
    return err({ kind: "invalid-event", id: envelope.id, reason: decoded.error.reason });
  if (decoded.value.id !== envelope.id || decoded.value.vaultId !== vaultId) {
    return err({ kind: "tampered", what: "event", id: envelope.id });
  }
  return ok(decoded.value);
};

/** An item row holds two boxes, its merge state and its view; the AD says which, so they cannot be swapped. */
export type ItemPart = "state" | "view";

const itemAd = (vaultId: VaultId, itemId: ItemId, part: ItemPart) =>
  associatedData(part === "state" ? "item-state" : "item-view", vaultId, itemId, STORE_SCHEMA);

export const sealItemRecord = (
  keys: VaultKeys,
  vaultId: VaultId,
  itemId: ItemId,
  part: ItemPart,
  bytes: Uint8Array,
  random: RandomBytes,
) => seal(keys.storeKey, bytes, itemAd(vaultId, itemId, part), random);

export const openItemRecord = (
  keys: VaultKeys,
  vaultId: VaultId,
  itemId: ItemId,
  part: ItemPart,
  box: Uint8Array,
): Result<Uint8Array, OpenError> => {
  const opened = open(keys.storeKey, box, itemAd(vaultId, itemId, part));
  return opened.ok
    ? opened
    : err({ kind: "tampered", what: part === "view" ? "item" : "item state", id: itemId });
};

/**
 * Opens an item's view with the store key alone (a helper thread that opens views holds no
 * other key); undefined when it does not open.
 */
export const openItemViewBytes = (
  storeKey: Uint8Array,
  vaultId: VaultId,
  itemId: ItemId,
  box: Uint8Array,
): Uint8Array | undefined => {
  const opened = open(storeKey, box, itemAd(vaultId, itemId, "view"));
  return opened.ok ? opened.value : undefined;
};

const historyAd = (vaultId: VaultId, itemId: ItemId, eventId: string, fieldKey: string) =>
  associatedData("history", vaultId, itemId, eventId, fieldKey, STORE_SCHEMA);

export const sealHistoryRecord = (
  keys: VaultKeys,
  vaultId: VaultId,
  row: { readonly itemId: ItemId; readonly eventId: string; readonly fieldKey: string },
  bytes: Uint8Array,
  random: RandomBytes,
) => seal(keys.storeKey, bytes, historyAd(vaultId, row.itemId, row.eventId, row.fieldKey), random);

export const openHistoryRecord = (
  keys: VaultKeys,
  vaultId: VaultId,
  row: { readonly itemId: ItemId; readonly eventId: string; readonly fieldKey: string },
  box: Uint8Array,
): Result<Uint8Array, OpenError> => {
  const opened = open(
    keys.storeKey,
    box,
    historyAd(vaultId, row.itemId, row.eventId, row.fieldKey),
  );
  return opened.ok
    ? opened
    : err({ kind: "tampered", what: "history", id: `${row.itemId}/${row.eventId}` });
};
