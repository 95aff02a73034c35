/**
 * Events, checkpoints and views as plain JSON, the form the protocol's test vectors
 * (docs/protocol/vectors/) use: ids as text, bytes as lowercase hex, clocks as their fields.
 */

import { bytesToHex, hexToBytes } from "@keypears/base";
import type { Event, EventOp, FieldValue } from "../event.ts";
import type { ChainHash, Checkpoint } from "../hash-chain.ts";
import type { Hlc } from "../hlc.ts";
import type { DeviceId, EventId, ItemId, VaultId } from "../ids.ts";
import type { Conflict, ItemView } from "../item-state.ts";

export interface HlcJson {
  readonly millis: number;
  readonly counter: number;
  readonly node: string;
}

export interface CheckpointJson {
  readonly position: number;
  readonly hash: string;
}

export type EventOpJson =
  | {
      readonly kind: "set";
      readonly lifecycleSeen: readonly string[];
      readonly fields: readonly {
        readonly name: string;
        readonly value: FieldValue;
        readonly basedOn: readonly string[];
      }[];
    }
  | {
      readonly kind: "delete" | "restore" | "purge";
      readonly basedOn: readonly string[];
      readonly seenFields: readonly { readonly name: string; readonly heads: readonly string[] }[];
    };

export interface EventJson {
  readonly id: string;
  readonly vaultId: string;
  readonly itemId: string;
  readonly hlc: HlcJson;
  readonly checkpoint: CheckpointJson | null;
  readonly op: EventOpJson;
}

export const checkpointFromJson = (json: CheckpointJson): Checkpoint => ({
  position: json.position,
  hash: hexToBytes(json.hash) as ChainHash,
});

export const checkpointToJson = (checkpoint: Checkpoint): CheckpointJson => ({
  position: checkpoint.position,
  hash: bytesToHex(checkpoint.hash),
});

export const eventFromJson = (json: EventJson): Event => ({
  id: json.id as EventId,
  vaultId: json.vaultId as VaultId,
  itemId: json.itemId as ItemId,
  hlc: { ...json.hlc, node: json.hlc.node as DeviceId },
  checkpoint: json.checkpoint === null ? null : checkpointFromJson(json.checkpoint),
  op: json.op as EventOp,
});

export const eventToJson = (event: Event): EventJson => ({
  id: event.id,
  vaultId: event.vaultId,
  itemId: event.itemId,
  hlc: { ...event.hlc },
  checkpoint: event.checkpoint === null ? null : checkpointToJson(event.checkpoint),
  op: event.op as EventOpJson,
});

const hlcJson = (hlc: Hlc): HlcJson => ({ ...hlc });

const conflictJson = (conflict: Conflict) =>
  conflict.kind === "field"
    ? {
        kind: conflict.kind,
        field: conflict.field,
        candidates: conflict.candidates.map((w) => w.eventId),
      }
    : conflict.kind === "lifecycle"
      ? { kind: conflict.kind, candidates: conflict.candidates.map((r) => r.eventId) }
      : {
          kind: conflict.kind,
          deletes: conflict.deletes.map((r) => r.eventId),
          edits: conflict.edits.map((w) => ({ field: w.field, eventId: w.eventId })),
        };

/** What a merge vector states about an item's view: everything a second implementation must match. */
export const viewToJson = (view: ItemView) => ({
  status: view.status,
  fields: Object.fromEntries(
    [...view.fields.values()].map((field) => [
      field.name,
      {
        value: field.value,
        heads: field.heads.map((head) => head.eventId),
        conflict: field.conflict,
      },
    ]),
  ),
  conflicts: view.conflicts.map(conflictJson),
  lifecycleHeads: view.lifecycleHeads.map((record) => record.eventId),
  created: hlcJson(view.created),
  updated: hlcJson(view.updated),
});
