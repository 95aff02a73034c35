/** Each vault record type seals to the exact bytes of docs/protocol/vectors/sealed-records.json, and opens only in its own place. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import { deriveVaultKeys, type VaultKey } from "@keypears/crypto";
import {
  type ChainHash,
  decodeItemState,
  encodeItemState,
  type EventId,
  type ItemId,
  type VaultId,
} from "@keypears/sync-core";
import { decode } from "cborg";
import {
  openEvent,
  openHistoryRecord,
  openItemRecord,
  sealEvent,
  sealHistoryRecord,
  sealItemRecord,
} from "./sealing.ts";
import { nodeCompression } from "./node/node-compression.ts";
import { openSnapshot, sealSnapshot } from "./snapshot.ts";
import {
  buildSealedRecordVectors,
  eventFromJson,
  type EventJson,
  fixedNonce,
  type SealedRecordVectors,
  type SealedRecordVector,
} from "./testing/sealed-record-vectors.ts";

const file = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "../../../docs/protocol/vectors/sealed-records.json"),
    "utf8",
  ),
) as SealedRecordVectors;
const keys = deriveVaultKeys(hexToBytes(file.keys.vaultKey) as VaultKey);
const vectorsOf = (type: SealedRecordVector["type"]) => {
  const found = file.vectors.filter((v) => v.type === type);
  assert.ok(found.length > 0, `the file has ${type} vectors`);
  return found;
};
const text = (vector: SealedRecordVector, name: string): string => {
  const value = vector.record[name];
  assert.equal(typeof value, "string", `${vector.name}.record.${name}`);
  return value as string;
};
/** Another id of the same form: one hex digit changed. */
const other = <T extends string>(id: T): T =>
  `${id.slice(0, -1)}${id.endsWith("0") ? "1" : "0"}` as T;

test("the vector file is what the code builds today (a difference is a format change: new schema, migration)", () => {
  assert.deepEqual(file, JSON.parse(JSON.stringify(buildSealedRecordVectors())));
});

test("events seal to the vector bytes and open only under their own vault and event id", () => {
  for (const vector of vectorsOf("event")) {
    const event = eventFromJson(vector.record.event as EventJson);
    assert.equal(
      bytesToHex(sealEvent(keys, event, fixedNonce(vector.nonce))),
      vector.sealed,
      vector.name,
    );
    const payload = hexToBytes(vector.sealed);
    assert.deepEqual(openEvent(keys, event.vaultId, { id: event.id, payload }), {
      ok: true,
      value: event,
    });
    const tampered = { ok: false, error: { kind: "tampered", what: "event", id: event.id } };
    assert.deepEqual(openEvent(keys, other(event.vaultId), { id: event.id, payload }), tampered);
    const moved = other(event.id);
    assert.deepEqual(openEvent(keys, event.vaultId, { id: moved, payload }), {
      ...tampered,
      error: { ...tampered.error, id: moved },
    });
  }
});

test("item states and views seal to the vector bytes and open only as their own part of their own item and vault", () => {
  for (const vector of [...vectorsOf("item-state"), ...vectorsOf("item-view")]) {
    const part = vector.type === "item-state" ? "state" : "view";
    const vaultId = text(vector, "vaultId") as VaultId;
    const itemId = text(vector, "itemId") as ItemId;
    const plaintext = hexToBytes(vector.plaintext);
    assert.equal(
      bytesToHex(sealItemRecord(keys, vaultId, itemId, part, plaintext, fixedNonce(vector.nonce))),
      vector.sealed,
      vector.name,
    );
    const box = hexToBytes(vector.sealed);
    assert.deepEqual(openItemRecord(keys, vaultId, itemId, part, box), {
      ok: true,
      value: plaintext,
    });
    const what = part === "view" ? "item" : "item state";
    assert.deepEqual(openItemRecord(keys, other(vaultId), itemId, part, box), {
      ok: false,
      error: { kind: "tampered", what, id: itemId },
    });
    assert.deepEqual(openItemRecord(keys, vaultId, other(itemId), part, box), {
      ok: false,
      error: { kind: "tampered", what, id: other(itemId) },
    });
    const swapped = part === "state" ? "view" : "state";
    assert.equal(
      openItemRecord(keys, vaultId, itemId, swapped, box).ok,
      false,
      `${part} as ${swapped}`,
    );
  }
  const [state] = vectorsOf("item-state");
  const decoded = decodeItemState(hexToBytes(state?.plaintext ?? ""));
  assert.ok(decoded.ok, "the item-state plaintext is a canonical item state");
  assert.equal(bytesToHex(encodeItemState(decoded.value)), state?.plaintext);
});

test("history rows seal to the vector bytes and open only under their own vault, item, write and field", () => {
  for (const vector of vectorsOf("history")) {
    const vaultId = text(vector, "vaultId") as VaultId;
    const row = {
      itemId: text(vector, "itemId") as ItemId,
      eventId: text(vector, "eventId") as EventId,
      fieldKey: text(vector, "fieldKey"),
    };
    const plaintext = hexToBytes(vector.plaintext);
    assert.equal(
      bytesToHex(sealHistoryRecord(keys, vaultId, row, plaintext, fixedNonce(vector.nonce))),
      vector.sealed,
      vector.name,
    );
    const [field, value, hlc, basedOn] = decode(plaintext) as [
      string,
      unknown,
      Uint8Array,
      unknown,
    ];
    assert.deepEqual(
      [field, value, bytesToHex(hlc), basedOn],
      [vector.record.field, vector.record.value, vector.record.hlc, vector.record.basedOn],
    );
    const box = hexToBytes(vector.sealed);
    assert.deepEqual(openHistoryRecord(keys, vaultId, row, box), { ok: true, value: plaintext });
    const moves = {
      vault: [other(vaultId), row],
      item: [vaultId, { ...row, itemId: other(row.itemId) }],
      write: [vaultId, { ...row, eventId: other(row.eventId) }],
      field: [vaultId, { ...row, fieldKey: other(row.fieldKey) }],
    } as const;
    for (const [what, [movedVault, movedRow]] of Object.entries(moves)) {
      assert.deepEqual(
        openHistoryRecord(keys, movedVault, movedRow, box),
        {
          ok: false,
          error: {
            kind: "tampered",
            what: "history",
            id: `${movedRow.itemId}/${movedRow.eventId}`,
          },
        },
        `${vector.name} moved to another ${what}`,
      );
    }
  }
});

test("a snapshot seals to the vector bytes and opens only as its own vault's, at its own checkpoint", () => {
  const [vector] = vectorsOf("snapshot");
  assert.ok(vector !== undefined);
  const vaultId = text(vector, "vaultId") as VaultId;
  const recorded = vector.record.checkpoint as { position: number; hash: string };
  const checkpoint = { position: recorded.position, hash: hexToBytes(recorded.hash) as ChainHash };
  const states = (vector.record.itemStates as string[]).map(hexToBytes);
  assert.equal(
    bytesToHex(
      sealSnapshot(keys, vaultId, checkpoint, states, fixedNonce(vector.nonce), nodeCompression),
    ),
    vector.sealed,
  );
  // DEFLATE output differs between implementations; any compressor's snapshot opens the same.
  const portable = openSnapshot(
    keys,
    vaultId,
    checkpoint,
    sealSnapshot(keys, vaultId, checkpoint, states, fixedNonce(vector.nonce)),
  );
  assert.ok(portable.ok, "a snapshot deflated by fflate opens");
  assert.deepEqual(
    portable.value.states.map(encodeItemState).map(bytesToHex),
    vector.record.itemStates,
  );
  const payload = hexToBytes(vector.sealed);
  const opened = openSnapshot(keys, vaultId, checkpoint, payload);
  assert.ok(opened.ok, "the vector opens");
  assert.deepEqual(
    opened.value.states.map(encodeItemState).map(bytesToHex),
    vector.record.itemStates,
  );
  const tampered = (id: string) => ({
    ok: false,
    error: { kind: "tampered", what: "snapshot", id },
  });
  assert.deepEqual(
    openSnapshot(keys, other(vaultId), checkpoint, payload),
    tampered(`${other(vaultId)}@${checkpoint.position}`),
  );
  const later = { ...checkpoint, position: checkpoint.position + 1 };
  assert.deepEqual(
    openSnapshot(keys, vaultId, later, payload),
    tampered(`${vaultId}@${later.position}`),
  );
  const forked = { ...checkpoint, hash: hexToBytes(other(recorded.hash)) as ChainHash };
  assert.deepEqual(
    openSnapshot(keys, vaultId, forked, payload),
    tampered(`${vaultId}@${checkpoint.position}`),
  );
});
