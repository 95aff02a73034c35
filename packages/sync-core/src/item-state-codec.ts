/**
 * The byte form of an item's merge state: every write and lifecycle change with its links, in
 * deterministic CBOR. A device stores it (sealed) so an edit does not re-read the item's events,
 * and a snapshot is the set of these, so a new device starts without replaying the log.
 */

import { asPlainBytes, bytesEqual, err, ok, type Result } from "@keypears/base";
import { decode, encode } from "cborg";
import { compareCodePoints, type FieldValue, isFieldValue, type LifecycleKind } from "./event.ts";
import { hlcFromBytes, hlcToBytes, isValidHlc, type Hlc } from "./hlc.ts";
import { bytesToUuid, type EventId, type ItemId, uuidToBytes } from "./ids.ts";
import {
  addLifecycle,
  addWrite,
  type AppliedEvent,
  createItemState,
  type ItemState,
} from "./item-state.ts";

const STATE_FORMAT_VERSION = 1;
const codeByKind = { set: 0, delete: 1, restore: 2, purge: 3 } as const;
const kindByCode = ["set", "delete", "restore", "purge"] as const;

const byId = <T extends { readonly eventId: EventId }>(a: T, b: T) =>
  a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
const ids = (list: readonly EventId[]) => list.map(uuidToBytes);

export const encodeItemState = (state: ItemState): Uint8Array => {
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
  return asPlainBytes(
    encode([STATE_FORMAT_VERSION, uuidToBytes(state.itemId), applied, fields, lifecycle]),
  );
};

export type ItemStateDecodeError = { readonly kind: "invalid-item-state"; readonly reason: string };

class Invalid extends Error {}
const fail = (reason: string): never => {
  throw new Invalid(reason);
};
const asArray = (value: unknown, what: string): unknown[] =>
  Array.isArray(value) ? value : fail(`${what} must be an array`);
const asId = (value: unknown): EventId =>
  value instanceof Uint8Array && value.length === 16
    ? (bytesToUuid(value) as EventId)
    : fail("an id must be 16 bytes");
const asIds = (value: unknown): EventId[] => asArray(value, "id list").map(asId);

/** Decodes a stored merge state; refuses anything malformed, inconsistent or not canonical. */
export interface DecodeItemStateOptions {
  /**
   * The bytes are known to be ones this code wrote (they opened under the vault's key): skip the
   * check that re-encodes them to prove they are canonical.
   */
  readonly trusted?: boolean;
}

export const decodeItemState = (
  bytes: Uint8Array,
  options: DecodeItemStateOptions = {},
): Result<ItemState, ItemStateDecodeError> => {
  try {
    const [version, itemIdBytes, applied, fields, lifecycle, ...extra] = asArray(
      decode(bytes, { strict: true, useMaps: true, allowUndefined: false, allowIndefinite: false }),
      "state",
    );
    if (version !== STATE_FORMAT_VERSION || extra.length > 0) fail("unsupported state format");
    const state = createItemState(asId(itemIdBytes) as string as ItemId);
    for (const entry of asArray(applied, "applied")) {
      const [id, hlcBytes, code] = asArray(entry, "applied event");
      const hlc = hlcBytes instanceof Uint8Array ? hlcFromBytes(hlcBytes) : undefined;
      const kind = typeof code === "number" ? kindByCode[code] : undefined;
      if (hlc === undefined || !hlc.ok || !isValidHlc(hlc.value) || kind === undefined)
        fail("invalid applied event");
      state.applied.set(asId(id), {
        hlc: (hlc as { value: Hlc }).value,
        kind: kind as AppliedEvent["kind"],
      });
    }
    const appliedAs = (id: EventId, kinds: readonly string[]): AppliedEvent => {
      const event = state.applied.get(id);
      return event !== undefined && kinds.includes(event.kind)
        ? event
        : fail(`write ${id} has no matching applied event`);
    };
    for (const entry of asArray(fields, "fields")) {
      const [name, writes] = asArray(entry, "field");
      if (typeof name !== "string" || name === "") fail("invalid field name");
      for (const w of asArray(writes, "writes")) {
        const [id, value, basedOn, lifecycleSeen] = asArray(w, "write");
        if (!isFieldValue(value)) fail("invalid field value");
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
    for (const entry of asArray(lifecycle, "lifecycle")) {
      const [id, basedOn, seen] = asArray(entry, "lifecycle change");
      const eventId = asId(id);
      const applied = appliedAs(eventId, ["delete", "restore", "purge"]);
      addLifecycle(state, {
        eventId,
        hlc: applied.hlc,
        kind: applied.kind as LifecycleKind,
        basedOn: asIds(basedOn),
        seenFields: new Map(
          asArray(seen, "seen fields").map((f) => {
            const [name, heads] = asArray(f, "seen field");
            return [
              typeof name === "string" ? name : fail("invalid seen field name"),
              asIds(heads),
            ];
          }),
        ),
      });
    }
    if (options.trusted !== true && !bytesEqual(encodeItemState(state), bytes))
      fail("not in canonical form");
    return ok(state);
  } catch (error) {
    const reason =
      error instanceof Invalid
        ? error.message
        : `malformed: ${error instanceof Error ? error.message : "?"}`;
    return err({ kind: "invalid-item-state", reason });
  }
};
